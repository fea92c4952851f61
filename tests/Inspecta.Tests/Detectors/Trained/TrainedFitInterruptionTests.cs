using Inspecta.Cli;
using Inspecta.Tests.Detectors.Conformance;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Trained;

/// <summary>Ctrl-C during a CLI fit: exit 130, a message naming the kept checkpoint, no model file; --resume finishes it.</summary>
[Collection(nameof(SerialConformance))]
public class TrainedFitInterruptionTests
{
    [Fact]
    public void AnInterruptedFitKeepsItsCheckpointSavesNoModelAndResumes()
    {
        using var tmp = new TempDir();
        Assert.Equal(0, CliRunner.Run("synth", "2d", "--out", tmp["data"], "--categories", "tiles", "--count", "4", "--test-count", "2", "--size", "64").ExitCode);
        string model = tmp["m.inspecta"];
        string[] args = ["fit", "--dataset", tmp["data"], "--category", "tiles", "--method", "ae-l2", "--image-size", "32", "--latent", "8",
            "--samples-per-epoch", "16", "--batch-size", "8", "--threads", "1", "--epochs", "3", "--out", model];

        // Ctrl-C is the command's cancellation token; cancel it as soon as the first epoch line is printed.
        using var cts = new CancellationTokenSource();
        var stderr = new WatchingWriter(line => { if (line.Contains("epoch 1/3", StringComparison.Ordinal)) cts.Cancel(); });
        int code = CliApp.Run(args, new StringWriter(), stderr, cts.Token);
        Assert.Equal(CliApp.Cancelled, code);
        string text = stderr.ToString();
        Assert.Contains("interrupted in epoch 2; no model was saved", text);
        Assert.Contains(model + ".checkpoint", text);
        Assert.False(File.Exists(model));
        Assert.True(File.Exists(model + ".checkpoint"));

        var resumed = CliRunner.Run([.. args, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.DoesNotContain("epoch 1/3", resumed.Stderr);
        Assert.Contains("epoch 3/3", resumed.Stderr);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(model + ".checkpoint"));
    }

    private sealed class WatchingWriter(Action<string> onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine(value ?? "");
        }
    }
}
