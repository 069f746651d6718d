BEGIN;
CREATE TABLE vm_pool_leases (
    vm_name text PRIMARY KEY,
    job_id uuid REFERENCES analysis_jobs (id),
    leased_until timestamptz
);
END;
