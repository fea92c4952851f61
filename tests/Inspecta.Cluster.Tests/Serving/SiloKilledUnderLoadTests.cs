using System.Net;
using System.Text.Json.Nodes;
using Inspecta.Cluster.Tests.Infrastructure;

namespace Inspecta.Cluster.Tests.Serving;

/// <summary>
/// Three silos as processes on loopback with a real PostgreSQL; a bounded load of predictions through one front node; one
/// silo holding a replica of the model is SIGKILLed in the middle: every request still succeeds (the client retries a
/// failed request at most twice; the front retries on another replica), the killed silo is reported dead and its replica
/// is activated again on a live silo.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloKilledUnderLoadTests(ClusterModels models)
{
    private const int Requests = 160, Clients = 4, ClientRetries = 2;

    [PostgresFact]
    public async Task PredictionsThroughOneFrontAllSucceedWhileASiloIsKilled()
    {
        string folder = models.Folder(("tiles", models.Variation));
        string id = TestDatabase.NewClusterId("kill");
        var starting = Enumerable.Range(0, 3).Select(_ => NodeProcess.Start(folder, id, "--replicas", "2")).ToArray();
        await using var a = starting[0];
        await using var b = starting[1];
        await using var c = starting[2];
        await Task.WhenAll(starting.Select(n => n.WaitReadyAsync()));
        await WaitAsync(async () => (int)(await a.ClusterAsync())["active_silos"]! == 3, "three active silos");
        // ... and the front can place replicas on all three (it has their grain manifests).
        await WaitAsync(async () => (int)JsonNode.Parse(await a.Client.GetStringAsync("/readyz"))!["placeable_silos"]! == 3, "three placeable silos");

        byte[] image = File.ReadAllBytes(models.Image("crack"));
        float expected = await ScoreAsync(a.Client, image);
        // Both replicas in use before the kill (a request per replica at least), so the victim holds one.
        for (int i = 0; i < 6; i++) Assert.Equal(expected, await ScoreAsync(a.Client, image));
        // The nodes report their replicas every second: wait for both to show.
        JsonObject[] holders = [];
        await WaitAsync(async () =>
        {
            holders = [.. Silos(await a.ClusterAsync()).Where(s => (string)s["status"]! == "active" && ((JsonArray)s["replicas"]!).Count > 0)];
            return holders.Sum(s => ((JsonArray)s["replicas"]!).Count) >= 2;
        }, "two replicas reported");
        Assert.Equal(2, holders.Sum(s => ((JsonArray)s["replicas"]!).Count));
        Assert.Equal(2, holders.Length);   // two replicas of one model on two different silos
        var victimRow = holders.FirstOrDefault(s => (string)s["silo"]! != a.Silo) ?? holders[0];
        var victim = new[] { b, c }.Single(n => n.Silo == (string)victimRow["silo"]!);
        string lostReplica = (string)((JsonArray)victimRow["replicas"]!)[0]!;

        int sent = 0, ok = 0, retried = 0;
        var failures = new List<string>();
        using var killed = new SemaphoreSlim(0);
        var killDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Client()
        {
            for (int n; (n = Interlocked.Increment(ref sent)) <= Requests;)
            {
                if (n == Requests / 3) killed.Release();
                if (n > Requests / 3) await killDone.Task;   // the other two thirds go to a cluster with one silo just killed
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        using var response = await a.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image));
                        string body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode == HttpStatusCode.OK && (float)JsonNode.Parse(body)!["score"]! == expected)
                        {
                            Interlocked.Increment(ref ok);
                            break;
                        }
                        if (attempt >= ClientRetries) { lock (failures) failures.Add($"{(int)response.StatusCode}: {body}"); break; }
                    }
                    catch (HttpRequestException e) when (attempt < ClientRetries) { _ = e; }
                    Interlocked.Increment(ref retried);
                    await Task.Delay(200 * (attempt + 1));
                }
            }
        }
        var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(Client)).ToArray();
        Assert.True(await killed.WaitAsync(TimeSpan.FromSeconds(60)), "the load did not reach a third of its requests");
        victim.KillHard();
        await victim.WaitExitAsync(TimeSpan.FromSeconds(10));
        killDone.SetResult();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.True(failures.Count == 0, $"{failures.Count} requests failed: {string.Join("\n", failures.Take(5))}\nfront log:\n{a.Stderr}");
        Assert.Equal(Requests, ok);

        // The cluster reports the kill: the victim dead, its replica active again on a live silo (next request to it).
        await WaitAsync(async () => Silos(await a.ClusterAsync()).Any(s => (string)s["silo"]! == victim.Silo && (string)s["status"]! == "dead"), "the killed silo reported dead");
        for (int i = 0; i < 4; i++) Assert.Equal(expected, await ScoreAsync(a.Client, image));
        await WaitAsync(async () =>
        {
            var after = Silos(await a.ClusterAsync());
            return after.Any(s => (string)s["status"]! == "active" && (string)s["silo"]! != victim.Silo
                && ((JsonArray)s["replicas"]!).Any(r => (string)r! == lostReplica));
        }, $"replica {lostReplica} reactivated on a live silo");
        var status = ClusterModels.Run("cluster", "status", "--cluster", TestDatabase.ConnectionString, "--cluster-id", id, "--json");
        var json = JsonNode.Parse(status.Stdout)!;
        Assert.Equal(2, (int)json["active_silos"]!);
        Assert.Contains(((JsonArray)json["silos"]!), s => (string)s!["silo"]! == victim.Silo && (string)s["status"]! == "dead");
        Assert.Contains("unreachable", a.Stderr + b.Stderr + c.Stderr);   // the front logged its retries on another replica
    }

    private static IEnumerable<JsonObject> Silos(JsonObject cluster) => ((JsonArray)cluster["silos"]!).Select(s => s!.AsObject());

    private static async Task<float> ScoreAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (float)JsonNode.Parse(body)!["score"]!;
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return;
            await Task.Delay(250);
        }
        Assert.Fail($"timed out waiting for {what}");
    }
}
