using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;

namespace Inspecta.Server.Tests.Api;

/// <summary>Every bad upload gets a 4xx with a message naming the problem, and the server stays healthy.</summary>
[Collection(ServerCollection.Name)]
public class BadUploadTests(ServedModels models)
{
    [Fact]
    public async Task EachBadUploadGetsItsFourHundredAndTheServerKeepsAnswering()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("tiles", models.Variation))) { UploadTimeout = TimeSpan.FromSeconds(1) });
        byte[] good = File.ReadAllBytes(models.Image("crack"));

        await Refused(server, "tiles", [], HttpStatusCode.BadRequest, "empty");
        await Refused(server, "tiles", good[..(good.Length / 2)], HttpStatusCode.BadRequest, "PNG", "name=half.png");
        await Refused(server, "tiles", Encoding.UTF8.GetBytes("this is not an image\n"), HttpStatusCode.UnsupportedMediaType, "not a PNG", "name=notes.png");
        await Refused(server, "tiles", Bomb(100_000, 100_000), HttpStatusCode.RequestEntityTooLarge, "100000×100000", "name=bomb.png");
        await Refused(server, "tiles", Gray(64, 64), (HttpStatusCode)422, "channel", "name=gray.png");
        await Refused(server, "tiles", Scan(64, 64), (HttpStatusCode)422, "3D scan", "name=scan.tiff");
        await Refused(server, "nope", good, HttpStatusCode.NotFound, "no model 'nope'");
        await Refused(server, "tiles", good, HttpStatusCode.BadRequest, "threshold", "threshold=abc");
        await Refused(server, "tiles", good, HttpStatusCode.BadRequest, "include", "include=everything");

        // A client that never finishes its upload: 408 after the upload timeout, the connection closed.
        await using (var slow = await SlowUpload.StartAsync(server.Address, "/v1/models/tiles/predict", good, good.Length / 3))
        {
            var started = DateTime.UtcNow;
            var (status, body) = await slow.ReadResponseAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(408, status);
            Assert.Contains("did not finish", body);
            Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.5, 10);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        var ok = await server.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(good));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("defective", (string)JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["verdict"]!);
    }

    [Fact]
    public async Task AnImageUnlikeTheTrainingImagesIsRefusedOrWarnedAsPredictDoes()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("pc", models.PatchCore))));
        await Refused(server, "pc", Rgb(256, 32), (HttpStatusCode)422, "aspect ratio", "name=strip.png");
        var scaled = await server.Client.PostAsync("/v1/models/pc/predict?name=big.png", new ByteArrayContent(Rgb(256, 256)));
        Assert.Equal(HttpStatusCode.OK, scaled.StatusCode);
        var warnings = JsonNode.Parse(await scaled.Content.ReadAsStringAsync())!["warnings"]!.AsArray();
        Assert.Contains(warnings, w => ((string)w!).Contains("another scale"));
    }

    [Fact]
    public async Task TooLargeABodyIs413()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("tiles", models.Variation))) { MaxUploadMb = 1 });
        var response = await server.Client.PostAsync("/v1/models/tiles/predict", new ByteArrayContent(new byte[3 << 20]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("--max-upload-mb", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task ABatchAnswersEveryImageAndNamesTheBadOne()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("pc", models.PatchCore))));
        using var form = new MultipartFormDataContent();
        foreach (string defect in new[] { "good", "crack", "hole" })
            form.Add(new ByteArrayContent(File.ReadAllBytes(models.Image(defect))), "image", defect + ".png");
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("oops")), "image", "bad.png");
        var response = await server.Client.PostAsync("/v1/models/pc/predict/batch", form);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var doc = JsonNode.Parse(text)!;
        Assert.Equal(4, (int)doc["images"]!);
        Assert.Equal(1, (int)doc["failed"]!);
        var results = doc["results"]!.AsArray();
        Assert.Equal(415, (int)results[3]!["status"]!);
        // Batched scores equal the single-image ones.
        for (int i = 0; i < 3; i++)
        {
            string defect = new[] { "good", "crack", "hole" }[i];
            var single = JsonNode.Parse(await (await server.Client.PostAsync("/v1/models/pc/predict", new ByteArrayContent(File.ReadAllBytes(models.Image(defect))))).Content.ReadAsStringAsync())!;
            Assert.Equal((float)single["score"]!, (float)results[i]!["score"]!);
            Assert.Equal((string)single["verdict"]!, (string)results[i]!["verdict"]!);
        }
    }

    private static async Task Refused(RunningServer server, string model, byte[] body, HttpStatusCode status, string message, string query = "")
    {
        var response = await server.Client.PostAsync($"/v1/models/{model}/predict?{query}", new ByteArrayContent(body));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{query}: expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, (string)JsonNode.Parse(text)!["detail"]!);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> × <paramref name="height"/> RGB pixels, with a few bytes of data.</summary>
    internal static byte[] Bomb(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2;   // 8-bit RGB
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        s.Write(head);
        byte[] t = Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(head, Imaging.Codecs.Crc32.Update(Imaging.Codecs.Crc32.Update(0, t), data));
        s.Write(head);
    }

    private static byte[] Rgb(int w, int h)
    {
        var img = new ImageF(3, h, w);
        img.Data.AsSpan().Fill(0.5f);
        return ImageIO.EncodePng(img);
    }

    private static byte[] Gray(int w, int h)
    {
        var img = new ImageF(1, h, w);
        img.Data.AsSpan().Fill(0.5f);
        return ImageIO.EncodePng(img);
    }

    /// <summary>An MVTec 3D-AD-like xyz TIFF: three float channels of coordinates in metres (negative x on the left half).</summary>
    internal static byte[] Scan(int w, int h)
    {
        var img = new ImageF(3, h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                img.Data[y * w + x] = (x - w / 2) * 0.001f;
                img.Data[h * w + y * w + x] = (y - h / 2) * 0.001f;
                img.Data[2 * h * w + y * w + x] = 0.5f;
            }
        return Imaging.Codecs.TiffCodec.WriteFloat(img);
    }
}
