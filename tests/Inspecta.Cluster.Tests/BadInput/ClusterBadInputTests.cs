using System.Net;
using System.Text.Json.Nodes;
using Inspecta.Cluster.Tests.Infrastructure;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Cluster.Tests.BadInput;

/// <summary>What a cluster node does with bad input: an unreachable database, two clusters in one database, a node whose
/// model file is another version than its peers'.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBadInputTests(ClusterModels models)
{
    [Fact]
    public void AnUnreachableDatabaseIsRetriedWithBackoffThenAClearError()
    {
        int closed = NodeProcess.FreePort();   // nothing listens there
        string folder = models.Folder(("tiles", models.Variation));
        var started = DateTime.UtcNow;
        var r = CliRunner.Run("serve", "--models", folder, "--port", "0", "--cluster", $"Host=127.0.0.1;Port={closed};Database=x;Username=x;Password=x",
            "--connect-timeout", "4");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"cannot reach the cluster database 127.0.0.1:{closed}/x after", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);   // no stack trace
        var delays = r.Stderr.Split('\n').Where(l => l.Contains("retrying in", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.IndexOf("retrying in ", StringComparison.Ordinal) + 12)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(delays.Length >= 2, r.Stderr);
        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.Second > p.First), $"backoff does not grow: {string.Join(", ", delays)}");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5));   // it waited, it did not exit at once
    }

    [Fact]
    public void ABadConnectionStringAndBadClusterOptionsAreUserErrors()
    {
        string folder = models.Folder(("tiles", models.Variation));
        var r = CliRunner.Run("serve", "--models", folder, "--cluster", "Host=127.0.0.1;NoSuchKey=1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--cluster is not a PostgreSQL connection string", r.Stderr);
        r = CliRunner.Run("serve", "--models", folder, "--cluster", TestDatabase.Local, "--cluster-id", "a b");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--cluster-id must be", r.Stderr);
        r = CliRunner.Run("serve", "--models", folder, "--replicas", "3");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--replicas needs --cluster", r.Stderr);
    }

    [PostgresFact]
    public async Task TwoClustersShareTheTablesButNotTheirSilosOrModelVersions()
    {
        string one = TestDatabase.NewClusterId("one"), two = TestDatabase.NewClusterId("two");
        // The same model name in another version: allowed, because it is another cluster.
        var startA = NodeProcess.Start(models.Folder(("tiles", models.Variation)), one);
        var startB = NodeProcess.Start(models.Folder(("tiles", models.VariationOther)), two);
        await using var a = startA;
        await using var b = startB;
        await Task.WhenAll(a.WaitReadyAsync(), b.WaitReadyAsync());
        byte[] image = File.ReadAllBytes(models.Image("hole"));
        var scoreA = JsonNode.Parse(await (await a.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image))).Content.ReadAsStringAsync())!["score"]!.GetValue<float>();
        var scoreB = JsonNode.Parse(await (await b.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image))).Content.ReadAsStringAsync())!["score"]!.GetValue<float>();
        Assert.NotEqual(scoreA, scoreB);   // each cluster answers with its own model
        foreach (var (node, other) in new[] { (a, b), (b, a) })
        {
            var silos = ((JsonArray)(await node.ClusterAsync())["silos"]!).Select(s => (string)s!["silo"]!).ToArray();
            Assert.Equal([node.Silo], silos);
            Assert.DoesNotContain(other.Silo, silos);
        }
        var status = CliRunner.Run("cluster", "status", "--cluster", TestDatabase.ConnectionString, "--cluster-id", one);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("1 active silo", status.Stdout);
        Assert.Contains(a.Silo, status.Stdout);
        Assert.DoesNotContain(b.Silo, status.Stdout);
    }

    [PostgresFact]
    public async Task ANodeWithAnotherVersionOfAModelIsRefused()
    {
        string id = TestDatabase.NewClusterId("ver");
        await using var first = await NodeProcess.Start(models.Folder(("tiles", models.Variation)), id).WaitReadyAsync();
        string otherFolder = models.Folder(("tiles", models.VariationOther));
        await using var second = NodeProcess.Start(otherFolder, id);
        Assert.Equal(2, await second.WaitExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("is another version of model 'tiles'", second.Stderr);
        Assert.Contains(first.Silo, second.Stderr);
        Assert.Contains(Path.Combine(otherFolder, "tiles.inspecta"), second.Stderr);
        Assert.DoesNotContain("   at ", second.Stderr);
        // The cluster is untouched: one silo, still serving.
        Assert.Equal(1, (int)(await first.ClusterAsync())["active_silos"]!);
        Assert.Equal(HttpStatusCode.OK, (await first.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(File.ReadAllBytes(models.Image("good"))))).StatusCode);
    }
}
