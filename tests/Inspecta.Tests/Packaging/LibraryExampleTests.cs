using System.Runtime.CompilerServices;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Packaging;

/// <summary>The C# example in README.md runs as written: load a model, predict an image, read score, verdict and map.</summary>
public class LibraryExampleTests
{
    [Fact]
    public void TheReadmeExampleRunsAndIsTheCodeTheReadmeShows()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["data/part/good"]);
        for (int i = 0; i < 8; i++) ImageIO.WritePng(tmp[$"data/part/good/{i:000}.png"], Blob(40 + i % 3, 40));
        var fit = CliRunner.Run("fit", "--dataset", tmp["data"], "--category", "part", "--method", "variation", "--out", tmp["bottle.inspecta"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        ImageIO.WritePng(tmp["part.png"], Blob(41, 20));   // a dark spot the good images do not have

        string printed = RunExample(tmp.Path);
        Assert.Contains("defective", printed);
        Assert.DoesNotContain(": good", printed);
        Assert.Equal(Example(), ReadmeExample());
    }

    private static string RunExample(string folder)
    {
        var previous = (Directory.GetCurrentDirectory(), Console.Out);
        var output = new StringWriter();
        Directory.SetCurrentDirectory(folder);
        Console.SetOut(output);
        try
        {
            // README example start
            using var model = TrainedModel.Load("bottle.inspecta");
            var prediction = model.Detector.Predict(Sample.ForImage("part.png"));
            var verdict = model.Rule!.Judge(prediction);   // the rule predict, eval and reports use
            Console.WriteLine($"score {prediction.Score:F3}: {(verdict.Defective ? "defective" : "good")}, largest region {verdict.LargestRegion} px");
            float[] map = prediction.Map!.Data;            // per-pixel scores at the image's own size, row-major
            // README example end
            Assert.Equal(64 * 64, map.Length);
        }
        finally
        {
            Console.SetOut(previous.Out);
            Directory.SetCurrentDirectory(previous.Item1);
        }
        return output.ToString();
    }

    /// <summary>A 64×64 gray image with a centred disc of this brightness (0–255) on a brighter background.</summary>
    private static ImageF Blob(int centre, int brightness)
    {
        var img = new ImageF(1, 64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                img.Data[y * 64 + x] = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 100 ? brightness / 255f : (centre + 150) / 255f;
        return img;
    }

    private static IReadOnlyList<string> Example([CallerFilePath] string file = "") => Region(File.ReadAllLines(file), "// README example start", "// README example end");

    private static IReadOnlyList<string> ReadmeExample([CallerFilePath] string file = "")
    {
        string readme = Path.Combine(Path.GetDirectoryName(file)!, "..", "..", "..", "README.md");
        var lines = File.ReadAllLines(readme);
        int start = Array.FindIndex(lines, l => l.Trim() == "```csharp");
        Assert.True(start >= 0, "README.md has no ```csharp example");
        return Region(lines, "```csharp", "```", start).Where(l => !IsUsingDirective(l) && l.Length > 0).ToList();
    }

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal);

    private static List<string> Region(string[] lines, string begin, string end, int from = 0)
    {
        int a = Array.FindIndex(lines, from, l => l.Trim() == begin);
        int b = Array.FindIndex(lines, a + 1, l => l.Trim() == end);
        return lines[(a + 1)..b].Select(l => l.Trim()).ToList();
    }
}
