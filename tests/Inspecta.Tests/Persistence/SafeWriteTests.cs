using System.Diagnostics;
using Inspecta.Persistence;
using Inspecta.Tests.Detectors.Verdicts;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Persistence;

/// <summary>Model writes that are cancelled, interrupted by a dead process, or raced by a second fit.</summary>
public class SafeWriteTests
{
    private static ModelWriter Writer()
    {
        var w = new ModelWriter("test");
        w.AddArray("big", new float[3_000_000]); // 12 MB: more than one write slice
        return w;
    }

    private static string[] Temps(string dir) => Directory.GetFiles(dir, ".*.tmp");

    /// <summary>The pid of a process that has exited (so no running process has it, barring reuse within the test).</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void ACancelledWrite_RemovesItsTempFile_AndLeavesTheTargetAsItWas()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["m.inspecta"], "previous");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Writer().WriteTo(tmp["m.inspecta"], cts.Token));
        Assert.Empty(Temps(tmp.Path));
        Assert.Equal("previous", File.ReadAllText(tmp["m.inspecta"]));
        Writer().WriteTo(tmp["m.inspecta"]);
        Assert.Empty(Temps(tmp.Path));
        Assert.Equal("test", ModelReader.Open(tmp["m.inspecta"]).Method);
    }

    [Fact]
    public void StaleTempFilesOfDeadProcesses_AreSweptOnTheNextWrite_LiveOnesKept()
    {
        using var tmp = new TempDir();
        string stale = tmp[$".m.inspecta.{DeadPid()}.{Guid.NewGuid():N}.tmp"];
        string live = tmp[$".m.inspecta.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"]; // this process: maybe still writing
        string foreign = tmp[".notes.tmp"];                                                  // not ours: never touched
        foreach (string f in new[] { stale, live, foreign }) File.WriteAllText(f, "x");
        Writer().WriteTo(tmp["other.inspecta"]);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void TwoFitsToTheSameOut_TheSecondSaysSo()
    {
        using var tmp = new TempDir();
        string cat = SpotFolderDataset.Write(tmp["data"], good: 12, defective: 0);
        string[] fit = ["fit", "--train", Path.Combine(cat, "good"), "--method", "variation", "--out", tmp["m.inspecta"]];
        // A fit in progress in this process holds the claim …
        using (OutputLock.Acquire(tmp["m.inspecta"]))
        {
            var second = CliRunner.Run(fit);
            Assert.Equal(2, second.ExitCode);
            Assert.Contains("another fit", second.Stderr);
            Assert.Contains("choose another --out", second.Stderr);
            Assert.DoesNotContain("saved", second.Stdout);
            Assert.False(File.Exists(tmp["m.inspecta"]));
        }
        Assert.False(File.Exists(OutputLock.LockPathFor(tmp["m.inspecta"])));
        // … so does another running process (its pid in the lock file) …
        using (var other = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!)
        {
            try
            {
                File.WriteAllText(OutputLock.LockPathFor(tmp["m.inspecta"]), other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var busy = CliRunner.Run(fit);
                Assert.Equal(2, busy.ExitCode);
                Assert.Contains($"process {other.Id}", busy.Stderr);
            }
            finally { other.Kill(); other.WaitForExit(); }
        }
        // … but a lock left by a process that died is taken over.
        File.WriteAllText(OutputLock.LockPathFor(tmp["m.inspecta"]), DeadPid().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ok = CliRunner.Run(fit);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("saved", ok.Stdout);
        Assert.False(File.Exists(OutputLock.LockPathFor(tmp["m.inspecta"])));
    }
}
