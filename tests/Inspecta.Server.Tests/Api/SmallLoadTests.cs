using System.Collections.Concurrent;
using System.Net;
using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Api;

/// <summary>
/// A short load in the suite (the figures in docs/benchmarks.md come from <c>bench serve-load</c>): more clients than the
/// server admits, so some get 429 and retry after Retry-After; every image is answered, never a 5xx, and the batched
/// answers equal the single ones.
/// </summary>
[Collection(ServerCollection.Name)]
public class SmallLoadTests(ServedModels models)
{
    [Fact]
    public async Task EightClientsOnABoundedQueueGetEveryAnswerAndNoServerError()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("pc", models.PatchCore))) { MaxConcurrency = 1, MaxQueue = 3 });
        byte[] image = File.ReadAllBytes(models.Image("hole"));
        var expected = await (await server.Client.PostAsync("/v1/models/pc/predict", new ByteArrayContent(image))).Content.ReadAsStringAsync();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var bodies = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            for (int i = 0; i < 6; i++)
            {
                while (true)
                {
                    var r = await client.PostAsync("/v1/models/pc/predict", new ByteArrayContent(image));
                    statuses.Add(r.StatusCode);
                    if (r.StatusCode != HttpStatusCode.TooManyRequests) { bodies.Add(await r.Content.ReadAsStringAsync()); break; }
                    Assert.NotNull(r.Headers.RetryAfter);
                    await Task.Delay(20);   // a real client waits Retry-After; a short wait keeps the test quick
                }
            }
        });
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        Assert.Equal(48, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(bodies, b => Assert.Equal(Score(expected), Score(b)));
        Assert.Equal(0, server.Services.GetRequiredServiceQueue().Admitted);
    }

    private static float Score(string json) => (float)System.Text.Json.Nodes.JsonNode.Parse(json)!["score"]!;
}
