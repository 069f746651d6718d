package dev.cairn.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

/**
 * The profiling hook: a DataSource that counts connections, statement executions and
 * commits, and the time spent inside them, grouped by the statement's shape (its first
 * words, numbers blanked out).
 *
 * <p>
 * Only calls made through the JDBC interfaces are seen; work done on a connection a tool
 * unwraps to pgjdbc's own classes is not. Metadata calls ({@code DatabaseMetaData}) are
 * counted as one "metadata" shape each.
 */
final class CountingDataSource {

	private final Map<String, long[]> shapes = new TreeMap<>();

	int connections;

	int executions;

	int commits;

	long jdbcNanos;

	DataSource wrap(DataSource target) {
		return proxy(DataSource.class, target, null);
	}

	/**
	 * Shapes by name, e.g. {@code "SELECT pg_try_advisory_lock(#)" -> [count, nanos]}.
	 */
	Map<String, long[]> shapes() {
		return this.shapes;
	}

	// preparedSql: the SQL a PreparedStatement was made with, so that its execute() can
	// be attributed to it.
	private <T> T proxy(Class<T> type, T target, String preparedSql) {
		InvocationHandler handler = (proxy, method, args) -> {
			String shape = shapeOf(method, args, preparedSql);
			long start = System.nanoTime();
			Object result;
			try {
				result = method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
			if (shape != null) {
				record(shape, System.nanoTime() - start);
			}
			if (method.getName().equals("unwrap")) {
				return result;
			}
			String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : "?";
			return wrapResult(result, sql);
		};
		return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, handler));
	}

	private String shapeOf(Method method, Object[] args, String preparedSql) {
		String name = method.getName();
		if (name.equals("getConnection")) {
			this.connections++;
			return "connect";
		}
		if (name.equals("commit")) {
			this.commits++;
			return "COMMIT";
		}
		if (name.equals("rollback") && (args == null || args.length == 0)) {
			return "ROLLBACK";
		}
		if (name.startsWith("execute")) {
			if (name.equals("executeBatch")) {
				return "batch";
			}
			if (args != null && args.length > 0 && args[0] instanceof String sql) {
				return shape(sql);
			}
			return (preparedSql != null) ? shape(preparedSql) : null;
		}
		if (method.getDeclaringClass() == DatabaseMetaData.class && method.getReturnType() == ResultSet.class) {
			return "metadata " + name;
		}
		return null;
	}

	private Object wrapResult(Object result, String sql) {
		if (result == null || Proxy.isProxyClass(result.getClass())) {
			return result;
		}
		if (result instanceof Connection connection) {
			return proxy(Connection.class, connection, null);
		}
		if (result instanceof CallableStatement statement) {
			return proxy(CallableStatement.class, statement, sql);
		}
		if (result instanceof PreparedStatement statement) {
			return proxy(PreparedStatement.class, statement, sql);
		}
		if (result instanceof Statement statement) {
			return proxy(Statement.class, statement, null);
		}
		if (result instanceof DatabaseMetaData metaData) {
			return proxy(DatabaseMetaData.class, metaData, null);
		}
		return result;
	}

	private synchronized void record(String shape, long nanos) {
		if (!shape.equals("connect") && !shape.startsWith("metadata") && !shape.equals("COMMIT")
				&& !shape.equals("ROLLBACK")) {
			this.executions++;
		}
		this.jdbcNanos += nanos;
		long[] entry = this.shapes.computeIfAbsent(shape, (key) -> new long[2]);
		entry[0]++;
		entry[1] += nanos;
	}

	static String shape(String sql) {
		String flat = sql.replaceAll("(?s)/\\*.*?\\*/", " ")
			.replaceAll("--[^\\n]*", " ")
			.replaceAll("\\s+", " ")
			.trim()
			.replaceAll("\\d+", "#");
		return (flat.length() > 70) ? flat.substring(0, 70) + "…" : flat;
	}

}
