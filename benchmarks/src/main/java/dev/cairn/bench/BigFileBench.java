package dev.cairn.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One large {@code pg_dump}-style file (a table, about 68 MB of {@code COPY … FROM stdin}
 * data, a primary key) applied to a fresh database by Cairn in a fresh JVM and by
 * {@code psql -1 -f}, alternating, with each process's wall time and peak RSS (GNU
 * {@code time}'s maximum resident set size).
 * <p>
 * {@code bigfile [--rounds R] [--rows N] [--server URL] [--user NAME] [--psql PATH]}.
 */
final class BigFileBench {

	private BigFileBench() {
	}

	static void main(List<String> args) throws Exception {
		int rounds = 5;
		int rows = 822_000;
		String server = "jdbc:postgresql://127.0.0.1:5432/";
		String user = "postgres";
		String psql = "psql";
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
				case "--rows" -> rows = Integer.parseInt(args.get(++i));
				case "--server" -> server = args.get(++i);
				case "--user" -> user = args.get(++i);
				case "--psql" -> psql = args.get(++i);
				default -> throw new IllegalArgumentException("Unknown option " + args.get(i)
						+ "; use bigfile [--rounds R] [--rows N] [--server URL] [--user NAME] [--psql PATH]");
			}
		}
		Path home = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0])
			.toAbsolutePath()
			.getParent();
		Path corpus = home.resolve("corpus").resolve("bigfile-" + rows);
		Path file = corpus.resolve("cairn").resolve("001_dump.sql");
		if (!Files.exists(file)) {
			write(file, rows);
		}
		System.out.printf("bigfile: %s, %.1f MB, %d rows; load average %s%n", file, Files.size(file) / 1e6, rows,
				Files.readString(Path.of("/proc/loadavg")).strip());
		List<Double> cairnSeconds = new ArrayList<>();
		List<Double> psqlSeconds = new ArrayList<>();
		List<Long> cairnKb = new ArrayList<>();
		List<Long> psqlKb = new ArrayList<>();
		String java = ProcessHandle.current().info().command().orElse("java");
		for (int round = 0; round < rounds; round++) {
			for (int turn = 0; turn < 2; turn++) {
				boolean cairn = (round + turn) % 2 == 0;
				String database = "bench_big_" + ProcessHandle.current().pid() + "_" + round + "_" + turn;
				admin(server, user, "CREATE DATABASE " + database + " TEMPLATE template0");
				try {
					List<String> command = cairn
							? List.of(java, "-jar", home.resolve("cairn-benchmarks.jar").toString(), "run-one", "CAIRN",
									server + database + "?user=" + user, corpus.toString())
							: List.of(
									psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", "postgresql:///" + database
											+ "?host=" + host(server) + "&port=" + port(server) + "&user=" + user,
									"-f", file.toString());
					double[] measured = timed(command);
					(cairn ? cairnSeconds : psqlSeconds).add(measured[0]);
					(cairn ? cairnKb : psqlKb).add((long) measured[1]);
					System.err.printf("[bigfile] %-5s %6.2f s, %7.1f MiB%n", cairn ? "Cairn" : "psql", measured[0],
							measured[1] / 1024);
				}
				finally {
					admin(server, user, "DROP DATABASE " + database);
				}
			}
		}
		double cairn = median(cairnSeconds);
		double plain = median(psqlSeconds);
		System.out
			.println("| file | Cairn, s | psql -1 -f, s | Cairn / psql | Cairn peak RSS, MiB | psql peak RSS, MiB |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
		System.out.printf(
				"| %.0f MB, %,d COPY rows | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f× | %.0f (max %.0f) | %.0f |%n",
				Files.size(file) / 1e6, rows, cairn, Collections.min(cairnSeconds), Collections.max(cairnSeconds),
				plain, Collections.min(psqlSeconds), Collections.max(psqlSeconds), cairn / plain,
				medianLong(cairnKb) / 1024.0, Collections.max(cairnKb) / 1024.0, medianLong(psqlKb) / 1024.0);
	}

	private static void write(Path file, int rows) throws Exception {
		Files.createDirectories(file.getParent());
		Random random = new Random(7);
		try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			out.write("CREATE TABLE public.events (\n    id bigint NOT NULL,\n    kind text NOT NULL,\n"
					+ "    payload text,\n    created_at timestamp with time zone NOT NULL\n);\n\n"
					+ "COPY public.events (id, kind, payload, created_at) FROM stdin;\n");
			for (int i = 1; i <= rows; i++) {
				out.write(i + "\tkind-" + (i % 97) + "\tpayload with tab\\tand backslash \\\\ "
						+ random.nextInt(1_000_000_000) + "\t2026-12-04 18:%02d:00+00\n".formatted(i % 60));
			}
			out.write("\\.\n\nALTER TABLE ONLY public.events ADD CONSTRAINT events_pkey PRIMARY KEY (id);\n");
		}
	}

	/** Runs a command under GNU time; returns its wall seconds and maximum RSS in KiB. */
	private static double[] timed(List<String> command) throws Exception {
		Path report = Files.createTempFile("bigfile", ".time");
		List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", report.toString(), "-f", "%e %M"));
		full.addAll(command);
		Process process = new ProcessBuilder(full).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed");
		}
		String[] parts = Files.readString(report).strip().split("\\s+");
		Files.delete(report);
		return new double[] { Double.parseDouble(parts[0]), Double.parseDouble(parts[1]) };
	}

	private static String host(String server) {
		return java.net.URI.create(server.substring("jdbc:".length())).getHost();
	}

	private static int port(String server) {
		int port = java.net.URI.create(server.substring("jdbc:".length())).getPort();
		return (port > 0) ? port : 5432;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private static long medianLong(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private static void admin(String server, String user, String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection(server + "postgres?user=" + user);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
