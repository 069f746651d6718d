package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Files larger than the slices Cairn reads and sends them in (64K characters): decoded
 * exactly, refused at the right line when a byte deep inside is not UTF-8, and their
 * {@code COPY} data sent whole, with characters outside the BMP on the slice boundaries.
 */
class BigFileTests {

	private static final int SLICE = 1 << 16;

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void decodesAFileOfManySlicesExactly() {
		String text = "-- ✓ 😀\n" + "SELECT 'é😀✓';\n".repeat(3 * SLICE / 10);
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		assertThat(bytes.length).isGreaterThan(3 * SLICE);
		assertThat(MigrationText.decode(bytes, "001_big.sql")).isEqualTo(text);
	}

	@Test
	void refusesAByteThatIsNotUtf8AtItsLineDeepInsideAFile() {
		String lines = "SELECT 'ok ✓';\n".repeat(20_000);
		byte[] head = lines.getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new byte[head.length + 2];
		System.arraycopy(head, 0, bytes, 0, head.length);
		bytes[head.length] = (byte) 0xC3;
		bytes[head.length + 1] = (byte) '\n';
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> MigrationText.decode(bytes, "001_big.sql"))
			.withMessageStartingWith("Migration 001_big.sql is not valid UTF-8: byte 0xc3 at line 20001 (byte offset "
					+ head.length + "). Save the file as UTF-8.");
	}

	@Test
	void sendsCopyDataOfManySlicesWholeWithSurrogatePairsOnTheBoundaries() throws Exception {
		List<String> payloads = new ArrayList<>();
		StringBuilder data = new StringBuilder();
		int id = 0;
		while (data.length() < 5 * SLICE) {
			id++;
			String row = id + "\t";
			// Pad so that a 😀 (two chars) straddles the next slice boundary.
			int boundary = ((data.length() / SLICE) + 1) * SLICE;
			int room = boundary - data.length() - row.length();
			String payload = (room > 1 && room < 200) ? "x".repeat(room - 1) + "😀 é" : "row " + id + " ✓ 😀";
			payloads.add(payload);
			data.append(row).append(payload).append('\n');
		}
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_dump.sql"), "CREATE TABLE t (id int PRIMARY KEY, payload text);\n"
				+ "COPY t (id, payload) FROM stdin;\n" + data + "\\.\n", StandardCharsets.UTF_8);
		new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("filesystem:" + migrations.toAbsolutePath() + "/").build())
			.migrate();
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		assertThat(jdbc.queryForList("SELECT payload FROM t ORDER BY id", String.class)).isEqualTo(payloads);
	}

}
