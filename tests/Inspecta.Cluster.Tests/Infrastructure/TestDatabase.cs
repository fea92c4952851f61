using Npgsql;

namespace Inspecta.Cluster.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the cluster tests run against: <c>INSPECTA_TEST_POSTGRES</c> (a connection string; .ci/run starts a
/// server with .ci/postgres and exports it), else the connection .ci/postgres sets up on this machine. Outside CI an
/// unreachable server skips the tests with a message; under .ci/run (INSPECTA_REQUIRE_POSTGRES=1) or CI=true the tests run and fail, so a missing server is seen.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "INSPECTA_TEST_POSTGRES";
    public const string Local = "Host=127.0.0.1;Port=5432;Database=inspecta_test;Username=inspecta;Password=inspecta";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : Local;

    private static readonly Lazy<string?> Problem = new(() =>
    {
        try
        {
            using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 3 }.ConnectionString);
            c.Open();
            return null;
        }
        catch (Exception e) { return e.Message; }
    });

    /// <summary>.ci/run sets INSPECTA_REQUIRE_POSTGRES=1 (as does CI=true): then a missing server fails the tests instead of skipping them.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("INSPECTA_REQUIRE_POSTGRES") == "1"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the server cannot be used, or null.</summary>
    public static string? Unavailable => Problem.Value;

    /// <summary>A fresh cluster id: tests of one database never share a cluster.</summary>
    public static string NewClusterId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 13)];
}

/// <summary>A fact that needs PostgreSQL; skipped with a clear message when none can be reached outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.Unavailable is { } why && !TestDatabase.InCi)
            Skip = $"needs a PostgreSQL server ({TestDatabase.Variable}, or run `sudo .ci/postgres` for the local default): {why}; skipped.";
    }
}
