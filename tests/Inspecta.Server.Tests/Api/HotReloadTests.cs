using System.Net;
using System.Text.Json.Nodes;
using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Api;

/// <summary>Replacing a model file swaps the model without dropping the request in flight; a broken replacement is reported and the old version keeps serving.</summary>
[Collection(ServerCollection.Name)]
public class HotReloadTests(ServedModels models)
{
    [Fact]
    public async Task AnAtomicReplacementSwapsTheModelAndTheRequestInFlightFinishesOnTheOldOne()
    {
        string folder = models.Folder(("m", models.Variation));
        string file = Path.Combine(folder, "m.inspecta");
        await using var server = await RunningServer.StartAsync(new ServerOptions(folder) { ReloadPoll = TimeSpan.FromMilliseconds(500) });
        byte[] image = File.ReadAllBytes(models.Image("crack"));

        await using var inFlight = await SlowUpload.StartAsync(server.Address, "/v1/models/m/predict", image, 200);
        await Task.Delay(200);
        Replace(file, File.ReadAllBytes(models.PatchCore));
        await WaitFor(server, m => (string?)m?["method"] == "patchcore");

        await inFlight.FinishAsync();
        var (status, body) = await inFlight.ReadResponseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, status);
        Assert.Contains("\"method\":\"variation\"", body);   // admitted before the swap: answered by the version it started on
        var now = JsonNode.Parse(await (await server.Client.PostAsync("/v1/models/m/predict", new ByteArrayContent(image))).Content.ReadAsStringAsync())!;
        Assert.Equal("patchcore", (string)now["method"]!);

        // A broken replacement: reported on /readyz and in the log; the loaded version keeps serving.
        Replace(file, "truncated"u8.ToArray());
        await WaitForReady(server, r => r["failed"]!.AsArray().Count == 1);
        var ready = JsonNode.Parse(await server.Client.GetStringAsync("/readyz"))!;
        Assert.True((bool)ready["failed"]![0]!["previous_version_serving"]!);
        Assert.Contains("model m failed to load", server.Log);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/models/m/predict", new ByteArrayContent(image))).StatusCode);

        // A new file appears, a removed one goes.
        Replace(Path.Combine(folder, "n.inspecta"), File.ReadAllBytes(models.Variation));
        await WaitForReady(server, r => r["models"]!.AsArray().Count == 2);
        File.Delete(Path.Combine(folder, "n.inspecta"));
        await WaitForReady(server, r => r["models"]!.AsArray().Count == 1);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.PostAsync("/v1/models/n/predict", new ByteArrayContent(image))).StatusCode);
    }

    /// <summary>How `inspecta fit` and a deployment script replace a model: write beside it, rename over it.</summary>
    private static void Replace(string path, byte[] bytes)
    {
        File.WriteAllBytes(path + ".tmp", bytes);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static async Task WaitFor(RunningServer server, Func<JsonNode?, bool> model)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = JsonNode.Parse(await server.Client.GetStringAsync("/v1/models"))!["models"]!.AsArray();
            if (model(list.FirstOrDefault(m => (string)m!["name"]! == "m"))) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the model was not reloaded: {list.ToJsonString()}\n{server.Log}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForReady(RunningServer server, Func<JsonNode, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var ready = JsonNode.Parse(await (await server.Client.GetAsync("/readyz")).Content.ReadAsStringAsync())!;
            if (condition(ready)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/readyz never got there: {ready.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
