package dev.cairn.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one harness run measured, filled in as it goes.
 */
final class Results {

	/** {@code apply} or {@code noop} → N → tool → samples. */
	final Map<String, Map<Integer, Map<Tool, List<Run>>>> migrations = new LinkedHashMap<>();

	/** {@code pending} or {@code applied} → app → samples. */
	final Map<String, Map<String, List<Boot>>> boots = new LinkedHashMap<>();

	/**
	 * {@code pending} or {@code applied} → app → one start with its startup steps
	 * recorded.
	 */
	final Map<String, Map<String, BootProfile>> bootProfiles = new LinkedHashMap<>();

	/** run name → tool → one profiled run. */
	final Map<String, Map<Tool, Profile>> profiles = new LinkedHashMap<>();

	/**
	 * Timed launches that started while the machine was still busy after 10 s of waiting.
	 */
	int noisyLaunches;

	/** Why a tool or app has no numbers. */
	final Map<String, String> failures = new LinkedHashMap<>();

	void add(String kind, int n, Tool tool, Run run) {
		this.migrations.computeIfAbsent(kind, (k) -> new TreeMap<>())
			.computeIfAbsent(n, (k) -> new EnumMap<>(Tool.class))
			.computeIfAbsent(tool, (k) -> new ArrayList<>())
			.add(run);
	}

	void add(String scenario, String app, Boot boot) {
		this.boots.computeIfAbsent(scenario, (k) -> new LinkedHashMap<>())
			.computeIfAbsent(app, (k) -> new ArrayList<>())
			.add(boot);
	}

	List<Run> runs(String kind, int n, Tool tool) {
		return this.migrations.getOrDefault(kind, Map.of()).getOrDefault(n, Map.of()).getOrDefault(tool, List.of());
	}

	/**
	 * One migration run: its round, the whole process (JVM start to exit, or psql start
	 * to exit), the migrate call inside it, and the CPU the process used during that
	 * call.
	 */
	record Run(int round, double processMs, double inProcessMs, double cpuMs) {

	}

	/**
	 * One Boot app start: wall time from launch to {@code ApplicationReadyEvent}, the
	 * JVM's own uptime at that point, peak resident memory (VmHWM), and the classes
	 * loaded by then.
	 */
	record Boot(double readyMs, double uptimeMs, long hwmKb, int classes) {

	}

	/**
	 * One Boot app start with {@code -Dbench.steps=true}: classes loaded at ready and the
	 * slowest startup steps ({@code "<ms> <step> <tags>"}).
	 */
	record BootProfile(int classes, List<String> steps) {

	}

	/**
	 * One profiled run through {@link CountingDataSource}, with the classes the call
	 * loaded and, for a no-op, the time of the same call repeated in the warm JVM.
	 */
	record Profile(double inProcessMs, double cpuMs, int connections, int executions, int commits, double jdbcMs,
			int classes, double warmMs, Map<String, long[]> shapes) {

	}

}
