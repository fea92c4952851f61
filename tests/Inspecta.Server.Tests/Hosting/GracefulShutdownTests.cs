using System.Diagnostics;
using System.Net;
using Inspecta.Server.Tests.Infrastructure;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Hosting;

/// <summary>A real <c>inspecta serve</c> process and a real SIGTERM: new requests get 503, the request in flight finishes, exit 0.</summary>
[Collection(ServerCollection.Name)]
public class GracefulShutdownTests(ServedModels models)
{
    [Fact]
    public async Task SigtermDrainsWith503AndLetsTheRequestInFlightFinish()
    {
        string folder = models.Folder(("tiles", models.Variation));
        using var process = CliProcess.Start("serve", "--models", folder, "--port", "0", "--drain-seconds", "2");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            string first = "";
            while (!first.Contains("http://", StringComparison.Ordinal))
                first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                    ?? throw new InvalidOperationException($"serve exited before listening: {stderr}");
            var address = new Uri(first[first.IndexOf("http://", StringComparison.Ordinal)..].Trim());
            using var client = new HttpClient { BaseAddress = address };
            byte[] image = File.ReadAllBytes(models.Image("crack"));
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image))).StatusCode);

            await using var inFlight = await SlowUpload.StartAsync(address, "/v1/models/tiles/predict", image, 300);
            await Task.Delay(200);
            CliProcess.Signal(process, CliProcess.SigTerm);
            await Task.Delay(500);
            using var fresh = new HttpClient { BaseAddress = address };   // a new connection while draining
            var refused = await fresh.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(image));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("shutting down", await refused.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await fresh.GetAsync("/readyz")).StatusCode);

            await Task.Delay(2500);   // past the drain: the listener is closed, the upload is still in flight
            await inFlight.FinishAsync();
            var (status, body) = await inFlight.ReadResponseAsync(TimeSpan.FromSeconds(30));
            Assert.True(status == 200, body);
            Assert.Contains("\"verdict\":\"defective\"", body);

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            string rest = await process.StandardOutput.ReadToEndAsync();
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {rest}\n{stderr}");
            Assert.Contains("stopped", rest);
            lock (stderr) Assert.Contains("shutting down", stderr.ToString());
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
