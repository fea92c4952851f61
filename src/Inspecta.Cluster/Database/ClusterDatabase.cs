using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Inspecta.Cluster.Database;

/// <summary>
/// The cluster's PostgreSQL database: the connection string checked, the first connection made with retries and
/// exponential backoff (a node started before its database waits for it instead of crash-looping, and gives up with a
/// clear message after <see cref="ConnectTimeout"/>), and the tables created (idempotent, under an advisory lock so that
/// nodes starting together do not race).
/// </summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    private const long SchemaLockKey = 0x1_4E5_BEC7A;   // any constant: one lock for Inspecta's schema creation

    private ClusterDatabase(NpgsqlDataSource source, string display)
    {
        Source = source;
        Display = display;
    }

    public NpgsqlDataSource Source { get; }
    /// <summary>host:port/database, never the password: what messages name.</summary>
    public string Display { get; }

    public static TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Parses the connection string (a user error names what is wrong with it) without connecting.</summary>
    public static ClusterDatabase Create(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(connectionString); }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new InspectaUserException($"--cluster is not a PostgreSQL connection string ({e.Message}); e.g. \"Host=127.0.0.1;Port=5432;Database=inspecta;Username=inspecta;Password=…\".", e);
        }
        if (string.IsNullOrWhiteSpace(builder.Host)) throw new InspectaUserException("--cluster names no Host= (the PostgreSQL server).");
        builder.Timeout = Math.Clamp(builder.Timeout, 1, 5);   // each attempt is short; the backoff loop decides how long to wait
        string display = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        return new ClusterDatabase(NpgsqlDataSource.Create(builder.ConnectionString), display);
    }

    /// <summary>Connects (retrying with backoff until <paramref name="timeout"/>) and creates the tables.</summary>
    public async Task OpenAsync(ILogger log, TimeSpan timeout, CancellationToken cancel)
    {
        var started = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(500);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await Source.OpenConnectionAsync(cancel).ConfigureAwait(false);
                await CreateSchemaAsync(connection, cancel).ConfigureAwait(false);
                if (attempt > 1) log.LogInformation("cluster database {Database} reached after {Attempts} attempts", Display, attempt);
                return;
            }
            catch (Exception e) when (IsUnreachable(e) && !cancel.IsCancellationRequested)
            {
                string why = Reason(e);
                if (started.Elapsed + delay > timeout)
                    throw new InspectaUserException($"cannot reach the cluster database {Display} after {attempt} attempts in {started.Elapsed.TotalSeconds:0} s: {why}. " +
                        "Start PostgreSQL or fix --cluster; --connect-timeout sets how long a node waits for it.", e);
                log.LogWarning("cannot reach the cluster database {Database} (attempt {Attempt}): {Reason}; retrying in {Delay:0.0} s", Display, attempt, why, delay.TotalSeconds);
                await Task.Delay(delay, cancel).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
            }
            catch (PostgresException e) when (e.SqlState is "28P01" or "28000" or "3D000" or "42501")
            {
                // Wrong password, unknown user or database, no right to create tables: waiting will not fix it.
                throw new InspectaUserException($"the cluster database {Display} refused: {e.MessageText} ({e.SqlState}).", e);
            }
        }
    }

    private static async Task CreateSchemaAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        await using var tx = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey})", connection, tx))
            await lockCmd.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        await using (var tables = new NpgsqlCommand(MembershipSchema.Tables + InspectaSchema.Tables, connection, tx))
            await tables.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        foreach (var (key, text) in MembershipSchema.Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText WHERE OrleansQuery.QueryText <> EXCLUDED.QueryText",
                connection, tx);
            upsert.Parameters.AddWithValue(key);
            upsert.Parameters.AddWithValue(text);
            await upsert.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>A connection that failed for a reason time may fix: the server down, starting or unreachable.</summary>
    public static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException p => p.SqlState is "57P03" or "53300" or "08006" or "08001" or "57P01",   // starting up, too many clients, gone
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        NpgsqlException n when n.IsTransient => true,
        System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Reason(Exception e) => e switch
    {
        NpgsqlException { InnerException: { } inner } when inner is not PostgresException => inner.Message,
        _ => e.Message,
    };

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
