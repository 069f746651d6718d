package dev.cairn.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The tenants a source lists, each read as a schema or a database: the fleet of this
 * machine's shard, and one tenant found by name, URL or the last listing.
 */
final class TenantCatalog {

	private final TenantSource source;

	private final @Nullable TenantShard shard;

	private final Map<String, Tenant> listed = new LinkedHashMap<>();

	TenantCatalog(TenantSource source, @Nullable TenantShard shard) {
		this.source = source;
		this.shard = shard;
	}

	/**
	 * Lists the source's tenants without duplicates, kept to this machine's shard.
	 * @return the tenants, in the source's order
	 * @throws MigrationException naming a tenant Cairn cannot use, or two of one name
	 */
	List<Tenant> fleet() {
		return listAll().values()
			.stream()
			.filter((tenant) -> this.shard == null || this.shard.contains(tenant.name()))
			.toList();
	}

	/**
	 * Finds one tenant: a URL is a database tenant, a name is the listed tenant of that
	 * name (from the last listing, or a new one), or else a schema.
	 * @param entry a schema name, a JDBC URL or a database tenant's name
	 * @return the tenant
	 */
	Tenant resolve(String entry) {
		Tenant tenant = Tenant.of(entry);
		if (tenant.isDatabase()) {
			return tenant;
		}
		synchronized (this) {
			Tenant known = this.listed.get(tenant.name());
			if (known != null) {
				return known;
			}
		}
		return listAll().getOrDefault(tenant.name(), tenant);
	}

	private Map<String, Tenant> listAll() {
		Map<String, Tenant> all = new LinkedHashMap<>();
		for (String entry : this.source.tenants()) {
			Tenant tenant = Tenant.of(entry);
			Tenant same = all.putIfAbsent(tenant.name(), tenant);
			if (same != null && !same.equals(tenant)) {
				throw new MigrationException("Two tenants are named " + tenant.name() + ": '" + describe(same)
						+ "' and '" + describe(tenant) + "'. A database tenant is named after its database; give "
						+ "each tenant its own name in cairn.tenants.schemas, cairn.tenants.query or your "
						+ "TenantSource.");
			}
		}
		synchronized (this) {
			this.listed.clear();
			this.listed.putAll(all);
		}
		return all;
	}

	private static String describe(Tenant tenant) {
		return tenant.isDatabase() ? Objects.requireNonNull(tenant.url()) : tenant.name();
	}

}
