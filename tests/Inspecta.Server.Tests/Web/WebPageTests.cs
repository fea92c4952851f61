using Inspecta.Server.Hosting;
using Inspecta.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Inspecta.Server.Tests.Web;

/// <summary>The page in a real browser (Playwright driving Debian's chromium): upload, verdict, overlay, slider, history.</summary>
[Collection(ServerCollection.Name)]
public class WebPageTests(ServedModels models)
{
    internal const string Chromium = "/usr/bin/chromium";

    /// <summary>Where the screenshot is kept (beside the test binaries; CI keeps the folder as an artifact).</summary>
    public static string ArtifactDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts");

    [DebianChromiumFact]
    public async Task UploadShowsVerdictOverlayAndMaskAndTheSliderRecoloursTheMask()
    {
        await using var server = await RunningServer.StartAsync(new ServerOptions(models.Folder(("tiles", models.Variation), ("pc", models.PatchCore))));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add(m.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
        page.RequestFailed += (_, r) => { lock (errors) errors.Add($"{r.Url}: {r.Failure}"); };

        await page.GotoAsync(server.Address.ToString());
        await page.WaitForFunctionAsync("document.querySelector('#model').options.length === 2");
        await page.SelectOptionAsync("#model", "tiles");

        await page.SetInputFilesAsync("#files", models.Image("crack"));
        await page.WaitForFunctionAsync("document.querySelector('#verdict').textContent !== ''");
        Assert.Equal("defective", await page.TextContentAsync("#verdict"));
        await page.WaitForFunctionAsync("document.querySelector('#overlay').complete && document.querySelector('#overlay').naturalWidth > 0");
        Assert.Equal(64, await page.EvaluateAsync<int>("document.querySelector('#overlay').naturalWidth"));
        Assert.Equal(64, await page.EvaluateAsync<int>("document.querySelector('#mask').width"));

        // The slider recolours the mask from the map's values: at its minimum nearly every pixel is above.
        int before = int.Parse((await page.TextContentAsync("#above"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.Locator("#threshold").PressAsync("Home");   // the keyboard moves a range input to its minimum
        int after = int.Parse((await page.TextContentAsync("#above"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after > before, $"{after} pixels above the lowest threshold, {before} above the stored one");
        int white = await page.EvaluateAsync<int>(@"(() => { const c = document.querySelector('#mask'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 255) n++; return n; })()");
        Assert.Equal(after, white);

        // A second image: the history lists both, worst (highest score) first.
        await page.SetInputFilesAsync("#files", models.Image("good"));
        await page.WaitForFunctionAsync("document.querySelectorAll('#history tbody tr').length === 2");
        var scores = await page.EvaluateAsync<double[]>("[...document.querySelectorAll('#history tbody tr')].map(r => Number(r.children[2].textContent))");
        Assert.True(scores[0] >= scores[1], string.Join(", ", scores));

        Directory.CreateDirectory(ArtifactDirectory);
        string shot = Path.Combine(ArtifactDirectory, "serve-page.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000);
        lock (errors) Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}

/// <summary>A fact that needs Debian's chromium (Playwright is told to use it and never downloads a browser).</summary>
public sealed class DebianChromiumFactAttribute : FactAttribute
{
    public DebianChromiumFactAttribute()
    {
        if (!File.Exists(WebPageTests.Chromium))
            Skip = $"needs Debian's chromium at {WebPageTests.Chromium} (apt-get install chromium; .ci/run installs it); skipped.";
    }
}
