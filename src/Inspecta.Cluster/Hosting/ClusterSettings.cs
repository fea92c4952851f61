using System.Net;
using System.Text.RegularExpressions;

namespace Inspecta.Cluster.Hosting;

/// <summary>What <c>inspecta serve --cluster</c> adds to a server: where the cluster's database is, which cluster to join,
/// how this node is reached by its peers, how many silos hold a model.</summary>
/// <param name="ConnectionString">PostgreSQL connection string: Orleans membership and Inspecta's node and work tables.</param>
/// <param name="ClusterId">Orleans cluster id: nodes of different ids share a database but never a cluster.</param>
/// <param name="AdvertisedAddress">IP address peers reach this node's silo at (127.0.0.1 for nodes on one machine).</param>
/// <param name="SiloPort">TCP port of silo-to-silo traffic.</param>
/// <param name="Replicas">Silos that hold one model at most (its grain activations, placed by load); requests spread over them.</param>
/// <param name="ConnectTimeout">How long a starting node waits for the database (retries with backoff) before it gives up.</param>
/// <param name="BatchWorkers">Work items of `inspecta cluster` jobs this node runs at once.</param>
/// <param name="ProbeTimeout">Silo liveness probe timeout; a silo missing three probes is declared dead and its grains move.</param>
public sealed partial record ClusterSettings(
    string ConnectionString,
    string ClusterId = ClusterSettings.DefaultClusterId,
    string AdvertisedAddress = "127.0.0.1",
    int SiloPort = 11111,
    int Replicas = 2,
    TimeSpan? ConnectTimeout = null,
    int BatchWorkers = 1,
    TimeSpan? ProbeTimeout = null)
{
    public const string DefaultClusterId = "inspecta";
    /// <summary>Orleans' service id: the same for every Inspecta cluster (the cluster id separates them).</summary>
    public const string ServiceId = "inspecta";

    public TimeSpan ConnectTimeoutValue => ConnectTimeout ?? TimeSpan.FromSeconds(60);
    public TimeSpan ProbeTimeoutValue => ProbeTimeout ?? TimeSpan.FromSeconds(2);

    public void Validate()
    {
        ValidateClusterId(ClusterId);
        if (!IPAddress.TryParse(AdvertisedAddress, out var ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            throw new InspectaUserException($"--advertise must be the IP address peers reach this node at (not 0.0.0.0), got '{AdvertisedAddress}'.");
        if (SiloPort is < 1 or > 65535) throw new InspectaUserException($"--silo-port must be between 1 and 65535, got {SiloPort}.");
        if (Replicas < 1) throw new InspectaUserException($"--replicas must be at least 1, got {Replicas}.");
        if (BatchWorkers < 0) throw new InspectaUserException($"--batch-workers must be at least 0, got {BatchWorkers}.");
        if (ConnectTimeoutValue <= TimeSpan.Zero) throw new InspectaUserException("--connect-timeout must be positive.");
        if (ProbeTimeoutValue < TimeSpan.FromMilliseconds(200)) throw new InspectaUserException("--probe-timeout must be at least 0.2 s.");
    }

    public static void ValidateClusterId(string id)
    {
        if (!IdPattern().IsMatch(id))
            throw new InspectaUserException($"--cluster-id must be 1–100 letters, digits, '.', '_' or '-', got '{id}'.");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();
}
