namespace Inspecta.Cluster.Database;

/// <summary>
/// The PostgreSQL tables and stored queries that Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet
/// 10.4.2) reads its membership through. The provider ships no SQL (neither its package nor any other Orleans 10 package
/// carries the scripts), so Inspecta creates them itself: the provider's contract is the <c>OrleansQuery</c> table of
/// (key, text) pairs, each statement taking the provider's named parameters and returning the columns it reads by name.
/// Written as single statements with data-modifying CTEs (no stored functions), created with <c>IF NOT EXISTS</c> and the
/// queries upserted, so every node may run it at every start. Silos of different <c>--cluster-id</c>s share the tables
/// (the provider's <c>DeploymentId</c>), never each other's rows.
/// </summary>
internal static class MembershipSchema
{
    public const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery
        (
            QueryKey varchar(64) NOT NULL PRIMARY KEY,
            QueryText varchar(8000) NOT NULL
        );
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
        (
            DeploymentId varchar(150) NOT NULL PRIMARY KEY,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable
        (
            DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation)
        );
        """;

    // The version row is the optimistic-concurrency token of the whole membership: a write takes it FOR UPDATE, changes a
    // silo's row only while the version is the one the writer read, and bumps it only when that change happened (so a
    // refused write leaves the table exactly as it was and answers 0).
    private const string MemberColumns = "m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime";

    public static readonly IReadOnlyList<(string Key, string Text)> Queries =
    [
        ("InsertMembershipVersionKey", """
            WITH added AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*)::integer FROM added;
            """),
        ("InsertMembershipKey", """
            WITH current_version AS (
                SELECT DeploymentId FROM OrleansMembershipVersionTable
                WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            added AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM current_version
                ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version AND EXISTS (SELECT 1 FROM added) RETURNING 1)
            SELECT count(*)::integer FROM bumped;
            """),
        ("UpdateMembershipKey", """
            WITH current_version AS (
                SELECT DeploymentId FROM OrleansMembershipVersionTable
                WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            changed AS (
                UPDATE OrleansMembershipTable AS m SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = GREATEST(m.IAmAliveTime, @IAmAliveTime)
                FROM current_version c
                WHERE m.DeploymentId = c.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now()
                WHERE DeploymentId = @DeploymentId AND Version = @Version AND EXISTS (SELECT 1 FROM changed) RETURNING 1)
            SELECT count(*)::integer FROM bumped;
            """),
        ("UpdateIAmAlivetimeKey", """
            UPDATE OrleansMembershipTable SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
            """),
        ("MembershipReadRowKey", $"""
            SELECT v.DeploymentId, {MemberColumns}, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId;
            """),
        ("MembershipReadAllKey", $"""
            SELECT v.DeploymentId, {MemberColumns}, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
            WHERE v.DeploymentId = @DeploymentId;
            """),
        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """),
        ("GatewaysQueryKey", """
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
            """),
        // Silos declared dead (6) long ago; a live one is never removed.
        ("CleanupDefunctSiloEntriesKey", """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime
                AND coalesce(SuspectTimes, '') = '';
            """),
        ("CleanupDefunctSiloEntryKey", """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = 6 AND Address = @Address AND Port = @Port AND Generation = @Generation
                AND IAmAliveTime = @IAmAliveTime AND StartTime = @StartTime AND coalesce(SuspectTimes, '') = coalesce(@SuspectTimes, '');
            """),
    ];
}
