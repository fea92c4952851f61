using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Api;

[Collection(ServerCollection.Name)]
public class QueueAndAuthTests(ServedModels models)
{
    [Fact]
    public async Task AFullQueueAnswers429WithRetryAfterAndServesAgainOnceFree()
    {
        // Room for one image in all: an upload in flight holds it.
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("tiles", models.Variation))) { MaxConcurrency = 1, MaxQueue = 0 });
        byte[] image = File.ReadAllBytes(models.Image("crack"));
        await using var holding = await SlowUpload.StartAsync(server.Address, "/v1/models/tiles/predict", image, 100);
        await WaitUntil(() => server.Services.GetRequiredServiceQueue().Admitted == 1);

        var refused = await server.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("busy", await refused.Content.ReadAsStringAsync());

        await holding.FinishAsync();
        var (status, _) = await holding.ReadResponseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, status);
        await WaitUntil(() => server.Services.GetRequiredServiceQueue().Admitted == 0);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image))).StatusCode);

        string metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("inspecta_rejected_total{", metrics);
        Assert.Contains("reason=\"queue_full\"", metrics);
        Assert.Contains("inspecta_predict_duration_seconds_bucket{", metrics);
        Assert.Contains("inspecta_queue_depth", metrics);
        Assert.Contains("http_server_request_duration_seconds_bucket{", metrics);
    }

    [Fact]
    public async Task ApiKeysGuardTheApiAndLeaveHealthOpen()
    {
        string keys = models.Scratch($"keys-{Guid.NewGuid():N}.txt");
        File.WriteAllText(keys, "# line keys\nsecret-one\n\nsecret-two\n");
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("tiles", models.Variation)), ApiKeyFile: keys));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);

        var none = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        wrong.Headers.Add("X-Api-Key", "guess");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.SendAsync(wrong)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Post, "/v1/models/tiles/predict") { Content = new ByteArrayContent(File.ReadAllBytes(models.Image("good"))) };
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "secret-two");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task ModelsReadinessAndOpenApiDescribeTheServer()
    {
        string folder = models.Folder(("tiles", models.Variation), ("pc", models.PatchCore));
        File.WriteAllText(Path.Combine(folder, "broken.inspecta"), "not a zip");
        await using var server = await RunningServer.StartAsync(new ServerOptions(folder));

        var ready = JsonNode.Parse(await server.Client.GetStringAsync("/readyz"))!;
        Assert.Equal("degraded", (string)ready["status"]!);
        Assert.Equal(["pc", "tiles"], ready["models"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("broken", (string)ready["failed"]![0]!["name"]!);
        Assert.Contains("broken.inspecta", (string)ready["failed"]![0]!["error"]!);
        Assert.Contains("model broken failed to load", server.Log);

        var list = JsonNode.Parse(await server.Client.GetStringAsync("/v1/models"))!["models"]!.AsArray();
        var pc = list.Single(m => (string)m!["name"]! == "pc")!;
        Assert.Equal("patchcore", (string)pc["method"]!);
        Assert.Equal("resnet18", (string)pc["backbone"]!["name"]!);
        Assert.NotNull(pc["preprocessing"]);
        Assert.NotNull(pc["thresholds"]!["pixel"]);
        Assert.True((bool)pc["batched"]!);
        Assert.Equal(7, (int)pc["training"]!["train_images"]!);

        var openApi = JsonNode.Parse(await server.Client.GetStringAsync("/openapi/v1.json"))!;
        var paths = openApi["paths"]!.AsObject().Select(p => p.Key).ToArray();
        foreach (string path in new[] { "/healthz", "/readyz", "/v1/models", "/v1/models/{name}/predict", "/v1/models/{name}/predict/batch" })
            Assert.Contains(path, paths);
        Assert.NotNull(openApi["paths"]!["/v1/models/{name}/predict"]!["post"]!["requestBody"]!["content"]!["image/png"]);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 20 s");
            await Task.Delay(20);
        }
    }
}

internal static class ServiceProviderQueue
{
    public static Inference.InferenceQueue GetRequiredServiceQueue(this IServiceProvider services) =>
        (Inference.InferenceQueue)services.GetService(typeof(Inference.InferenceQueue))!;
}
