using System.Globalization;
using System.Text.Json.Nodes;
using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Api;

/// <summary>The server's answer for one image is what <c>inspecta predict</c> writes for the same file, byte for byte.</summary>
[Collection(ServerCollection.Name)]
public class PredictMatchesCliTests(ServedModels models)
{
    [Theory]
    [InlineData("variation", "crack")]
    [InlineData("variation", "good")]
    [InlineData("patchcore", "hole")]
    public async Task OneImageIsBitIdenticalToPredict(string method, string defect)
    {
        string model = method == "variation" ? models.Variation : models.PatchCore;
        string image = models.Image(defect);
        using var tmp = new TempDir();
        var predict = CliRunner.Run("predict", "--model", model, "--input", image, "--out", tmp["out"], "--quiet");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var cli = JsonNode.Parse(File.ReadAllText(tmp["out/scores.json"]))!["images"]![0]!;

        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("m", model))));
        using var body = new ByteArrayContent(File.ReadAllBytes(image));
        var response = await server.Client.PostAsync("/v1/models/m/predict?include=map,overlay,mask&name=000.png", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var served = JsonNode.Parse(text)!;

        // The score as the same float (JSON numbers round-trip a float's shortest form), the same verdict and regions.
        Assert.Equal(BitConverter.SingleToInt32Bits((float)cli["score"]!), BitConverter.SingleToInt32Bits((float)served["score"]!));
        Assert.Equal((bool)cli["defective"]!, (bool)served["defective"]!);
        Assert.Equal((bool)cli["defective"]! ? "defective" : "good", (string)served["verdict"]!);
        Assert.Equal((int)cli["largest_region"]!, (int)served["largest_region"]!);
        Assert.Equal((int)cli["defect_pixels"]!, (int)served["defect_pixels"]!);
        Assert.Equal(File.ReadAllBytes((string)cli["map"]!), Convert.FromBase64String((string)served["map_tiff"]!));
        Assert.Equal(File.ReadAllBytes((string)cli["overlay"]!), Convert.FromBase64String((string)served["overlay_png"]!));
        Assert.Equal(File.ReadAllBytes((string)cli["mask"]!), Convert.FromBase64String((string)served["mask_png"]!));

        // output=map answers the TIFF itself, with the score and verdict in headers.
        using var again = new ByteArrayContent(File.ReadAllBytes(image));
        var raw = await server.Client.PostAsync("/v1/models/m/predict?output=map", again);
        Assert.Equal("image/tiff", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal(File.ReadAllBytes((string)cli["map"]!), await raw.Content.ReadAsByteArrayAsync());
        Assert.Equal(((float)cli["score"]!).ToString("R", CultureInfo.InvariantCulture), raw.Headers.GetValues("X-Inspecta-Score").Single());
    }

    [Fact]
    public async Task AnXyzScanIsBitIdenticalToPredictOnTheLoneScan()
    {
        using var tmp = new TempDir();
        string scan = tmp["scan.tiff"];   // alone in its folder: no sibling rgb image, as the server gets it
        File.Copy(models.Scan, scan);
        var predict = CliRunner.Run("predict", "--model", models.Btf, "--input", scan, "--out", tmp["out"], "--quiet");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var cli = JsonNode.Parse(File.ReadAllText(tmp["out/scores.json"]))!["images"]![0]!;

        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("scan", models.Btf))));
        var response = await server.Client.PostAsync("/v1/models/scan/predict?include=map,overlay,mask&name=scan.tiff", new ByteArrayContent(File.ReadAllBytes(scan)));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var served = JsonNode.Parse(text)!;
        Assert.Equal(BitConverter.SingleToInt32Bits((float)cli["score"]!), BitConverter.SingleToInt32Bits((float)served["score"]!));
        Assert.Equal((bool)cli["defective"]!, (bool)served["defective"]!);
        Assert.Equal(File.ReadAllBytes((string)cli["map"]!), Convert.FromBase64String((string)served["map_tiff"]!));
        Assert.Equal(File.ReadAllBytes((string)cli["mask"]!), Convert.FromBase64String((string)served["mask_png"]!));
        Assert.Null(cli["overlay"]);
        Assert.Null(served["overlay_png"]);

        // A 2D image to the 3D model is refused with the reason.
        var png = await server.Client.PostAsync("/v1/models/scan/predict?name=part.png", new ByteArrayContent(File.ReadAllBytes(models.Image("good"))));
        Assert.Equal((System.Net.HttpStatusCode)422, png.StatusCode);
        Assert.Contains("organised 3D scans", await png.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ThresholdOverrideJudgesAsPredictsThresholdOption()
    {
        string image = models.Image("crack");
        using var tmp = new TempDir();
        var predict = CliRunner.Run("predict", "--model", models.Variation, "--input", image, "--out", tmp["out"], "--threshold", "1000", "--quiet");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var cli = JsonNode.Parse(File.ReadAllText(tmp["out/scores.json"]))!["images"]![0]!;
        Assert.False((bool)cli["defective"]!);

        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("m", models.Variation))));
        var stored = JsonNode.Parse(await (await server.Client.PostAsync("/v1/models/m/predict", new ByteArrayContent(File.ReadAllBytes(image)))).Content.ReadAsStringAsync())!;
        Assert.Equal("defective", (string)stored["verdict"]!);
        var high = JsonNode.Parse(await (await server.Client.PostAsync("/v1/models/m/predict?threshold=1000&include=mask", new ByteArrayContent(File.ReadAllBytes(image)))).Content.ReadAsStringAsync())!;
        Assert.Equal("good", (string)high["verdict"]!);
        Assert.Equal(1000, (double)high["rule"]!["pixel_threshold"]!);
        Assert.Empty(high["regions"]!.AsArray());
        Assert.Equal(File.ReadAllBytes((string)cli["mask"]!), Convert.FromBase64String((string)high["mask_png"]!));
    }
}
