package dev.cairn.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.jspecify.annotations.Nullable;

/**
 * A migration file's text: decoded strictly as UTF-8, normalised so that it survives
 * checkouts (BOM dropped, CRLF and CR read as LF, whitespace at line ends ignored),
 * checksummed, and compressed for the history table.
 */
final class MigrationText {

	/**
	 * Texts longer than this (normalised, in UTF-8 bytes) keep only their checksum in the
	 * history.
	 */
	static final int MAX_KEPT_BYTES = 1 << 20;

	private static final int DECODE_SLICE = 1 << 16;

	private static final MessageDigest SHA256 = newSha256();

	private MigrationText() {
	}

	/**
	 * Decodes a file's bytes, refusing anything that is not UTF-8 and NUL bytes, and
	 * dropping a BOM.
	 * @param bytes the file's bytes
	 * @param name the file name, for messages
	 * @return the text
	 */
	static String decode(byte[] bytes, String name) {
		int start = hasBom(bytes) ? 3 : 0;
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer input = ByteBuffer.wrap(bytes, start, bytes.length - start);
		// A large file is checked a slice at a time and then decoded by String, so that
		// no
		// char[] twice its size is ever allocated.
		CharBuffer output = CharBuffer.allocate(Math.min(bytes.length, DECODE_SLICE));
		boolean whole = true;
		CoderResult result;
		while ((result = decoder.decode(input, output, true)).isOverflow()) {
			whole = false;
			output.clear();
		}
		if (result.isError()) {
			int bad = input.position();
			int line = 1;
			for (int i = start; i < bad; i++) {
				if (bytes[i] == '\n') {
					line++;
				}
			}
			throw MigrationException.inFile(name, line, 0,
					"Migration " + name + " is not valid UTF-8: byte 0x" + HexFormat.of().toHexDigits(bytes[bad])
							+ " at line " + line + " (byte offset " + bad + "). Save the file as UTF-8.");
		}
		decoder.flush(output);
		String text = whole ? output.flip().toString()
				: new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
		int nul = text.indexOf('\0');
		if (nul >= 0) {
			int line = 1;
			for (int i = 0; i < nul; i++) {
				if (text.charAt(i) == '\n') {
					line++;
				}
			}
			throw MigrationException.inFile(name, line, 0, "Migration " + name + " contains a NUL byte at line " + line
					+ "; PostgreSQL cannot take NUL in SQL text. Remove it (the file may be binary or UTF-16).");
		}
		return text;
	}

	private static boolean hasBom(byte[] bytes) {
		return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
	}

	/**
	 * Computes the checksum of a file: {@code sha256:} and the hex digest of its
	 * normalised text. When normalising would not change the bytes, they are digested as
	 * they are, without building the normalised text.
	 * @param bytes the file's bytes
	 * @param text the decoded text, BOM already stripped
	 * @return the checksum
	 */
	static String checksum(byte[] bytes, String text) {
		return alreadyNormal(bytes) ? "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)) : checksum(text);
	}

	/**
	 * Computes the checksum of a text: {@code sha256:} and the hex digest of its
	 * normalised form.
	 * @param text the text
	 * @return the checksum
	 */
	static String checksum(String text) {
		return "sha256:" + HexFormat.of().formatHex(sha256().digest(normalise(text).getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Normalises a text as checksums see it: CRLF and CR become LF, whitespace at the end
	 * of each line goes.
	 * @param text the text
	 * @return the normalised text
	 */
	static String normalise(String text) {
		StringBuilder normalised = new StringBuilder(text.length());
		int length = text.length();
		int lineStart = 0;
		for (int i = 0; i <= length; i++) {
			char c = (i < length) ? text.charAt(i) : '\n';
			if (c == '\r' || c == '\n' || i == length) {
				int end = i;
				while (end > lineStart && Character.isWhitespace(text.charAt(end - 1))) {
					end--;
				}
				normalised.append(text, lineStart, end);
				if (i < length) {
					normalised.append('\n');
				}
				if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
					i++;
				}
				lineStart = i + 1;
			}
		}
		return normalised.toString();
	}

	/**
	 * Tells whether normalising would leave the file's bytes as they are: no BOM, no CR,
	 * and no whitespace at the end of a line. A line ending in a non-ASCII character
	 * takes the slow path, which knows every Unicode space.
	 */
	private static boolean alreadyNormal(byte[] bytes) {
		if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF) {
			return false;
		}
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\r' || (bytes[i] == '\n' && i > 0 && lineEndIsDirty(bytes[i - 1]))) {
				return false;
			}
		}
		return bytes.length == 0 || bytes[bytes.length - 1] == '\n' || !lineEndIsDirty(bytes[bytes.length - 1]);
	}

	private static boolean lineEndIsDirty(byte last) {
		return last < 0 || last == ' ' || last == '\t' || last == 0x0B || last == '\f'
				|| (last >= 0x1C && last <= 0x1F);
	}

	private static MessageDigest sha256() {
		// Looking the algorithm up among the providers costs more than digesting a
		// small file; a clone does not look it up.
		try {
			return (MessageDigest) SHA256.clone();
		}
		catch (CloneNotSupportedException ex) {
			return newSha256();
		}
	}

	private static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Compresses the normalised text of a migration for the history table.
	 * @param text the file's text
	 * @return the compressed normalised text, or {@code null} when it is larger than
	 * {@link #MAX_KEPT_BYTES}
	 */
	static byte @Nullable [] compress(String text) {
		if (text.length() / 2 > MAX_KEPT_BYTES) {
			// Normalising at most halves the length (CRLF to LF), and each char is at
			// least
			// one byte of UTF-8: too large, known without building it.
			return null;
		}
		byte[] bytes = normalise(text).getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_KEPT_BYTES) {
			return null;
		}
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		try {
			deflater.setInput(bytes);
			deflater.finish();
			ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 16);
			byte[] buffer = new byte[8192];
			while (!deflater.finished()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
			return out.toByteArray();
		}
		finally {
			deflater.end();
		}
	}

	/**
	 * Reverses {@link #compress(String)}.
	 * @param compressed what the history table holds
	 * @return the normalised text, or {@code null} when it cannot be read back
	 */
	static @Nullable String decompress(byte[] compressed) {
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(compressed);
			ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
			byte[] buffer = new byte[8192];
			while (!inflater.finished()) {
				int n = inflater.inflate(buffer);
				if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
					return null;
				}
				out.write(buffer, 0, n);
				if (out.size() > MAX_KEPT_BYTES) {
					return null;
				}
			}
			return out.toString(StandardCharsets.UTF_8);
		}
		catch (DataFormatException ex) {
			return null;
		}
		finally {
			inflater.end();
		}
	}

}
