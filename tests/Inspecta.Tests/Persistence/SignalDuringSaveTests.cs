using System.Diagnostics;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Persistence;

/// <summary>
/// A real <c>inspecta fit</c> process interrupted by a real signal (SIGINT as Ctrl-C sends it, SIGTERM as a service
/// manager sends it) while it writes its model: no hidden temp file is left and the previous model is untouched.
/// </summary>
public class SignalDuringSaveTests
{
    private static readonly byte[] Previous = "previous model"u8.ToArray();

    [Theory]
    [InlineData(CliProcess.SigInt)]
    [InlineData(CliProcess.SigTerm)]
    public async Task ASignalDuringTheSave_LeavesNoTempFile_AndThePreviousModelAsItWas(int signal)
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", "12", "--test-count", "1", "--size", "224", "--quiet").ExitCode);
        string target = tmp["m.inspecta"];

        // The save of an 80 MB PaDiM model (512² input) takes tens of milliseconds; the signal is sent as soon as its
        // temp file appears. Should the write win the race, the model is complete, which is also correct; try again.
        var log = new List<string>();
        for (int attempt = 0; attempt < 4; attempt++)
        {
            File.WriteAllBytes(target, Previous);
            using var fit = CliProcess.Start("fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "padim",
                "--image-size", "512", "--threads", "2", "--out", target, "--quiet");
            var stderr = fit.StandardError.ReadToEndAsync();
            var stdout = fit.StandardOutput.ReadToEndAsync();
            bool sent = false;
            var watch = Stopwatch.StartNew();
            while (!fit.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (Temps(tmp.Path).Length > 0) { CliProcess.Signal(fit, signal); sent = true; break; }
                Thread.SpinWait(2000);
            }
            if (!await ExitsWithin(fit, TimeSpan.FromMinutes(1))) fit.Kill();
            string why = $"exit {fit.ExitCode}, signal sent: {sent}\n{await stdout}\n{await stderr}";
            log.Add(why);

            Assert.Empty(Temps(tmp.Path));
            bool untouched = File.ReadAllBytes(target).AsSpan().SequenceEqual(Previous);
            if (!untouched)
            {
                Assert.True(fit.ExitCode == 0, why);                     // only a finished save may replace the model,
                Assert.Equal("padim", ModelReader.Open(target).Method);  // and then with a whole one
                continue;
            }
            Assert.True(sent, why);
            Assert.True(fit.ExitCode != 0, why);
            if (signal == CliProcess.SigInt)
            {
                Assert.True(fit.ExitCode == 130, why);
                Assert.Contains("cancelled", await stderr);
            }
            return;
        }
        Assert.Fail("the save finished before the signal in every attempt:\n" + string.Join("\n---\n", log));
    }

    private static string[] Temps(string dir) => Directory.GetFiles(dir, ".*.tmp");

    private static async Task<bool> ExitsWithin(Process process, TimeSpan limit)
    {
        try { await process.WaitForExitAsync().WaitAsync(limit); return true; }
        catch (TimeoutException) { return false; }
    }
}
