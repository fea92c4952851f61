using Inspecta.Reporting;
using Inspecta.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Inspecta.Tests.Reporting;

/// <summary>Opens a generated report in a real headless Chromium and checks what a user would see.</summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task Report_LoadsWithoutErrors_AllImagesDecode_AndFilterWorks()
    {
        using var tmp = new TempDir();
        var result = HtmlReportWriter.Write(SyntheticReport.Build(perLabel: 4), tmp["report.html"]);

        await using var browser = await HeadlessChromium.StartAsync(TimeSpan.FromSeconds(60));
        await browser.LoadAsync(new Uri(result.HtmlPath).AbsoluteUri, TimeSpan.FromSeconds(60));

        int images = (int)(await browser.EvaluateAsync("document.images.length"))!;
        int broken = (int)(await browser.EvaluateAsync("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length"))!;
        Assert.Equal(4 + 1 + 4 * 12, images);
        Assert.Equal(0, broken);

        const string visible = "document.querySelectorAll('#items .item:not([hidden])').length";
        const string visibleByLayout = "Array.from(document.querySelectorAll('#items .item')).filter(i => i.offsetParent !== null).length";
        Assert.Equal(12, (int)(await browser.EvaluateAsync(visible))!);
        Assert.Equal("12 of 12 shown", (string?)await browser.EvaluateAsync("document.getElementById('shown-count').textContent"));

        // Choose a defect type as a user would: set the select and fire its change event.
        await browser.EvaluateAsync("(() => { const s = document.getElementById('filter-type'); s.value = 'scratch'; s.dispatchEvent(new Event('change')); })()");
        Assert.Equal(4, (int)(await browser.EvaluateAsync(visible))!);
        Assert.Equal(4, (int)(await browser.EvaluateAsync(visibleByLayout))!);   // really hidden, not just flagged
        Assert.Equal("scratch", (string?)await browser.EvaluateAsync("document.querySelector('#items .item:not([hidden])').dataset.label"));

        // Errors only, across all types: the two missed defects and the false alarm.
        await browser.EvaluateAsync("(() => { const s = document.getElementById('filter-type'); s.value = ''; s.dispatchEvent(new Event('change')); document.getElementById('filter-errors').click(); })()");
        Assert.Equal(3, (int)(await browser.EvaluateAsync(visibleByLayout))!);
        await browser.EvaluateAsync("document.getElementById('filter-errors').click()");
        Assert.Equal(12, (int)(await browser.EvaluateAsync(visibleByLayout))!);

        byte[] png = await browser.ScreenshotAsync();
        string artifacts = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(artifacts);
        string shot = Path.Combine(artifacts, "report-browser-screenshot.png");
        await File.WriteAllBytesAsync(shot, png);
        output.WriteLine($"screenshot: {shot}");
        Assert.True(png.Length > 10_000);

        Assert.True(browser.Errors.Count == 0, "browser reported errors:\n" + string.Join("\n", browser.Errors));
    }
}
