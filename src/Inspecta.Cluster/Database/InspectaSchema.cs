namespace Inspecta.Cluster.Database;

/// <summary>
/// Inspecta's own cluster tables, beside Orleans' membership: what each node reports (<c>inspecta_nodes</c>: its silo, HTTP
/// address, model file hashes, loaded model replicas, load and queue depth, written every second) and the batch jobs with
/// their leased work items. Every row carries the cluster id, so clusters sharing a database never see each other's.
/// </summary>
internal static class InspectaSchema
{
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS inspecta_nodes
        (
            cluster_id text NOT NULL,
            silo text NOT NULL,
            address text NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            http_url text NOT NULL,
            pid integer NOT NULL,
            host_name text NOT NULL,
            started_at timestamptz NOT NULL,
            seen_at timestamptz NOT NULL,
            model_files jsonb NOT NULL,
            replicas jsonb NOT NULL,
            admitted integer NOT NULL,
            waiting integer NOT NULL,
            capacity integer NOT NULL,
            predictions bigint NOT NULL,
            work_running integer NOT NULL,
            work_done bigint NOT NULL,
            PRIMARY KEY (cluster_id, silo)
        );
        CREATE TABLE IF NOT EXISTS inspecta_jobs
        (
            id uuid PRIMARY KEY,
            cluster_id text NOT NULL,
            kind text NOT NULL,
            spec jsonb NOT NULL,
            items integer NOT NULL,
            lease_seconds double precision NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            state text NOT NULL DEFAULT 'running'
        );
        CREATE TABLE IF NOT EXISTS inspecta_work_items
        (
            job_id uuid NOT NULL REFERENCES inspecta_jobs (id) ON DELETE CASCADE,
            item integer NOT NULL,
            payload jsonb NOT NULL,
            state text NOT NULL DEFAULT 'pending',
            lease_owner text NULL,
            lease_until timestamptz NULL,
            attempts integer NOT NULL DEFAULT 0,
            done_by text NULL,
            result bytea NULL,
            error text NULL,
            PRIMARY KEY (job_id, item)
        );
        CREATE INDEX IF NOT EXISTS inspecta_work_items_pending ON inspecta_work_items (job_id) WHERE state = 'pending';
        """;
}
