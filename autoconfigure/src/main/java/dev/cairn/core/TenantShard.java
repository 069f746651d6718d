package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One of {@code count} shards of a fleet of tenants: a tenant belongs to shard
 * {@code 1 + (h mod count)}, where {@code h} is the first eight bytes of the SHA-256 of
 * its UTF-8 name read as an unsigned big-endian number, so every machine that runs the
 * same shard picks the same tenants, and the shards of one count cover each tenant
 * exactly once.
 *
 * @param index which shard, from 1 to {@code count}
 * @param count how many shards the fleet is split into
 */
public record TenantShard(int index, int count) {

	public TenantShard {
		if (count < 1 || index < 1 || index > count) {
			throw new MigrationException("Tenant shard " + index + "/" + count + " does not exist. Use K/N with N at "
					+ "least 1 and K from 1 to N, for example cairn.tenants.shard=1/3.");
		}
	}

	/**
	 * Reads a shard written as {@code K/N}.
	 * @param shard for example {@code 2/3}
	 * @return the shard
	 */
	public static TenantShard parse(String shard) {
		String[] parts = shard.strip().split("/", -1);
		if (parts.length != 2 || !parts[0].strip().matches("\\d{1,9}") || !parts[1].strip().matches("\\d{1,9}")) {
			throw new MigrationException("cairn.tenants.shard '" + shard + "' is not a shard. Write K/N: this "
					+ "machine's shard K (from 1) of N shards, for example cairn.tenants.shard=1/3.");
		}
		return new TenantShard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
	}

	/**
	 * Returns the shard of a Kubernetes Indexed Job's pod.
	 * @param completionIndex the pod's {@code JOB_COMPLETION_INDEX}, from 0
	 * @param count the Job's number of completions
	 * @return the shard, {@code completionIndex + 1} of {@code count}
	 */
	public static TenantShard ofJobIndex(String completionIndex, int count) {
		if (!completionIndex.strip().matches("\\d{1,9}")) {
			throw new MigrationException("JOB_COMPLETION_INDEX '" + completionIndex + "' is not a number. Kubernetes "
					+ "sets it in the pods of a Job with completionMode: Indexed; otherwise set cairn.tenants.shard=K/N.");
		}
		int index = Integer.parseInt(completionIndex.strip());
		if (index >= count) {
			throw new MigrationException("JOB_COMPLETION_INDEX is " + index + " but cairn.tenants.shards is " + count
					+ ", so that pod has no shard. Set cairn.tenants.shards to the Job's completions.");
		}
		return new TenantShard(index + 1, count);
	}

	/**
	 * Returns the shard, of {@code count}, that a tenant belongs to.
	 * @param tenant the tenant's name
	 * @param count the number of shards
	 * @return the shard's index, from 1 to {@code count}
	 */
	public static int of(String tenant, int count) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
			long h = 0;
			for (int i = 0; i < 8; i++) {
				h = (h << 8) | (hash[i] & 0xFF);
			}
			return (int) Long.remainderUnsigned(h, count) + 1;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	/**
	 * Tells whether a tenant is in this shard.
	 * @param tenant the tenant's name
	 * @return whether this shard migrates it
	 */
	public boolean contains(String tenant) {
		return of(tenant, this.count) == this.index;
	}

	@Override
	public String toString() {
		return this.index + "/" + this.count;
	}

}
