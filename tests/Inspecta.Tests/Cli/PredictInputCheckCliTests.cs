using System.IO.Compression;
using System.Text.Json.Nodes;
using Inspecta.Imaging;
using Inspecta.Tests.Detectors.Verdicts;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Cli;

/// <summary>predict on a production folder: inputs checked against the training images from their headers (size, aspect,
/// channels, the pixel budget), and a corrupt image among good ones.</summary>
public class PredictInputCheckCliTests
{
    /// <summary>A variation model fitted on 24 good 64×64 grey images of the spot dataset; returns the model and the good folder.</summary>
    private static (string Model, string Good) Fit(TempDir tmp)
    {
        string cat = SpotFolderDataset.Write(tmp["data"], good: 24, defective: 0);
        var fit = CliRunner.Run("fit", "--train", Path.Combine(cat, "good"), "--method", "variation", "--out", tmp["m.inspecta"], "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        return (tmp["m.inspecta"], Path.Combine(cat, "good"));
    }

    private static string Input(TempDir tmp, params string[] goodImages)
    {
        string dir = tmp["in"];
        Directory.CreateDirectory(dir);
        foreach (string f in goodImages) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    private static void Write(string path, int channels, int height, int width) => ImageIO.WritePng(path, new ImageF(channels, height, width));

    [Fact]
    public void Inputs_AreCheckedAgainstTheTrainingImages_RefusedOrWarnedByName()
    {
        using var tmp = new TempDir();
        var (model, good) = Fit(tmp);
        var manifest = Manifest(model);
        Assert.Equal("[64,64]", manifest["inputs"]!["width"]!.ToJsonString());
        Assert.Equal("[1]", manifest["inputs"]!["channels"]!.ToJsonString());

        string dir = Input(tmp, Path.Combine(good, "000.png"));
        Write(Path.Combine(dir, "dot.png"), 1, 1, 1);          // a 1×1 PNG
        Write(Path.Combine(dir, "strip.png"), 1, 3, 2000);      // a 2000×3 strip
        Write(Path.Combine(dir, "colour.png"), 3, 64, 64);      // RGB for a grey model: variation itself refuses it
        ImageIO.WriteTiff(Path.Combine(dir, "depth.tiff"), new ImageF(1, 64, 64)); // float samples for an 8-bit model: scored, with a warning
        var predict = CliRunner.Run("predict", "--model", model, "--input", dir, "--out", tmp["out"], "--json");
        Assert.Equal(2, predict.ExitCode);
        var json = JsonNode.Parse(predict.Stdout)!;
        var failures = json["failures"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!["error"]!.GetValue<string>());
        Assert.Equal(["colour", "dot", "strip"], failures.Keys.Order());
        Assert.Contains("less than 1/4 of the 64×64 training images", failures["dot"]);
        Assert.Contains("aspect ratio differs", failures["strip"]);
        Assert.Contains(Path.Combine(dir, "strip.png"), predict.Stderr);
        Assert.Contains("3 channel(s)", failures["colour"]);
        Assert.Contains($"warning: {Path.Combine(dir, "depth.tiff")}: holds float samples", predict.Stderr);
        var depth = json["images"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "depth")!;
        Assert.Single(depth["warnings"]!.AsArray());
        Assert.Null(json["images"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "000")!["warnings"]);
    }

    [Fact]
    public void PixelBudget_RefusesFromTheHeader_BeforeDecoding_AlsoForOldModelFiles()
    {
        using var tmp = new TempDir();
        var (model, good) = Fit(tmp);
        // An old model file: no "inputs" and no "warnings" in its manifest. It still loads and predicts.
        string old = tmp["old.inspecta"];
        File.Copy(model, old);
        using (var zip = ZipFile.Open(old, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("manifest.json")!;
            JsonObject m;
            using (var s = entry.Open()) m = JsonNode.Parse(s)!.AsObject();
            m.Remove("inputs");
            m.Remove("warnings");
            entry.Delete();
            using var w = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            w.Write(m.ToJsonString());
        }
        using (var loaded = Inspecta.Detectors.TrainedModel.Load(old)) Assert.Null(loaded.Inputs);

        // A PNG whose header says 10000×10000 but whose pixel data is garbage: the budget speaks, not the decoder.
        string dir = Input(tmp, Path.Combine(good, "000.png"));
        File.WriteAllBytes(Path.Combine(dir, "huge.png"), PngHeaderClaiming(10_000, 10_000));
        foreach (string m in new[] { model, old })
        {
            var predict = CliRunner.Run("predict", "--model", m, "--input", dir, "--out", tmp[$"out-{Path.GetFileName(m)}"]);
            Assert.Equal(2, predict.ExitCode);
            Assert.Contains($"{Path.Combine(dir, "huge.png")}: is 10000×10000 = 100.0 megapixels, above the 40-megapixel budget", predict.Stderr);
            Assert.Contains("1 of 2 input(s) failed", predict.Stderr);
        }
        // --max-pixels lowers the budget.
        var low = CliRunner.Run("predict", "--model", model, "--input", Path.Combine(good, "001.png"), "--out", tmp["low"], "--max-pixels", "1000");
        Assert.Equal(2, low.ExitCode);
        Assert.Contains("above the 0-megapixel budget", low.Stderr);
    }

    [Fact]
    public void ACorruptImageInAFolder_TheOthersArePredicted_TheFailureListed_ExitNonZero_FailFastStopsAtTheFirst()
    {
        using var tmp = new TempDir();
        var (model, good) = Fit(tmp);
        string dir = Input(tmp, Path.Combine(good, "000.png"), Path.Combine(good, "001.png"), Path.Combine(good, "002.png"));
        File.WriteAllBytes(Path.Combine(dir, "001b.png"), [.. File.ReadAllBytes(Path.Combine(good, "003.png")).Take(60)]); // truncated
        var predict = CliRunner.Run("predict", "--model", model, "--input", dir, "--out", tmp["out"]);
        Assert.Equal(2, predict.ExitCode);
        var csv = File.ReadAllLines(tmp["out/scores.csv"]);
        Assert.Equal(["000", "001", "002"], csv.Skip(1).Select(l => l.Split(',')[0]));
        foreach (string id in new[] { "000", "001", "002" }) Assert.True(File.Exists(tmp[$"out/{id}.tiff"]), id);
        Assert.False(File.Exists(tmp["out/001b.tiff"]));
        Assert.Contains($"error: {Path.Combine(dir, "001b.png")}:", predict.Stderr);
        Assert.Contains("1 of 4 input(s) failed", predict.Stderr);
        var failures = JsonNode.Parse(File.ReadAllText(tmp["out/scores.json"]))!["failures"]!.AsArray();
        Assert.Equal("001b", Assert.Single(failures)!["id"]!.GetValue<string>());

        var fast = CliRunner.Run("predict", "--model", model, "--input", dir, "--out", tmp["fast"], "--fail-fast");
        Assert.Equal(2, fast.ExitCode);
        Assert.Contains(Path.Combine(dir, "001b.png"), fast.Stderr);
        Assert.DoesNotContain("input(s) failed", fast.Stderr);
        Assert.False(File.Exists(tmp["fast/scores.csv"]), "--fail-fast stops before writing the scores");
    }

    private static JsonObject Manifest(string model)
    {
        using var zip = ZipFile.OpenRead(model);
        using var s = zip.GetEntry("manifest.json")!.Open();
        return JsonNode.Parse(s)!.AsObject();
    }

    /// <summary>PNG signature and a valid IHDR chunk for a width×height 8-bit grey image, then a garbage IDAT.</summary>
    private static byte[] PngHeaderClaiming(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            ms.Write(BigEndian(data.Length));
            byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            ms.Write(typed);
            ms.Write(BigEndian((int)Crc32(typed)));
        }
        Chunk("IHDR", [.. BigEndian(width), .. BigEndian(height), 8, 0, 0, 0, 0]);
        Chunk("IDAT", [1, 2, 3, 4, 5, 6, 7, 8]);
        Chunk("IEND", []);
        return ms.ToArray();
    }

    private static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}

/// <summary>The input check's rules on headers alone.</summary>
public class InputExpectationsTests
{
    private static readonly Inspecta.Detectors.InputExpectations Trained = new(900, 900, 900, 900, [3], false, 20);

    [Fact]
    public void Check_WarnsForScaleAndChannels_RefusesExtremes()
    {
        Assert.Empty(Trained.Check(new ImageInfo(900, 900, 3, 8), "a.png"));
        Assert.Empty(Trained.Check(new ImageInfo(1000, 950, 3, 8), "a.png")); // within 1.5× and 1.25× aspect
        Assert.Contains("another scale", Assert.Single(Trained.Check(new ImageInfo(2000, 2000, 3, 8), "big.png")));
        Assert.Contains("1 channel(s)", Assert.Single(Trained.Check(new ImageInfo(900, 900, 1, 8), "grey.png")));
        Assert.Contains("float samples", Assert.Single(Trained.Check(new ImageInfo(900, 900, 3, 32), "xyz.tiff")));
        Assert.Contains("aspect ratio differs", Assert.Throws<InspectaUserException>(() => Trained.Check(new ImageInfo(20000, 3, 3, 8), "strip.png")).Message);
        Assert.Contains("strip.png", Assert.Throws<InspectaUserException>(() => Trained.Check(new ImageInfo(3, 20000, 3, 8), "strip.png")).Message);
        Assert.Throws<InspectaUserException>(() => Trained.Check(new ImageInfo(200, 200, 3, 8), "small.png"));
        Assert.Throws<InspectaUserException>(() => Inspecta.Detectors.InputExpectations.RequireWithinBudget(new ImageInfo(8000, 8000, 3, 8), "huge.png"));
        Inspecta.Detectors.InputExpectations.RequireWithinBudget(new ImageInfo(6000, 6000, 3, 8), "fine.png");
        var json = Inspecta.Detectors.InputExpectations.FromJson(Trained.ToJson())!;
        Assert.Equal((Trained.MinWidth, Trained.MaxHeight, Trained.Channels[0], Trained.Images), (json.MinWidth, json.MaxHeight, json.Channels[0], json.Images));
    }
}
