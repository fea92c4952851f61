using Inspecta.Reporting.Benchmarking;

namespace Inspecta.Tests.Reporting.Benchmarking;

public class BenchMeasurementTests
{
    [Fact]
    public void LatencyStats_PercentilesInterpolateLikeNumpy()
    {
        var s = LatencyStats.From([5, 1, 4, 2, 3]);
        Assert.Equal(3, s.Median);
        Assert.Equal(4.8, s.P95, 9);   // numpy.percentile([1..5], 95) = 4.8
        Assert.Equal(3, s.Mean);
        Assert.Equal(2.5, LatencyStats.From([1, 2, 3, 4]).Median);
    }

    [Fact]
    public unsafe void PeakMemory_ResetsPerRowOnLinux()
    {
        PeakMemory.Reset();
        long before = PeakMemory.PeakBytes();
        // Native memory (a large malloc is its own mapping, returned to the OS on free), touched so it is resident.
        const int size = 200 * 1024 * 1024;
        byte* block = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(size);
        try { new Span<byte>(block, size).Fill(1); }
        finally { System.Runtime.InteropServices.NativeMemory.Free(block); }
        long during = PeakMemory.PeakBytes();
        Assert.True(during >= before + 150L * 1024 * 1024, $"peak {before} → {during}");
        PeakMemory.Reset();
        if (PeakMemory.PerRow) Assert.True(PeakMemory.PeakBytes() < during - 100L * 1024 * 1024, "the reset should forget the freed block");
    }

    [Fact]
    public void MachineInfo_DescribesThisMachine()
    {
        var m = MachineInfo.Current();
        Assert.Equal(Environment.ProcessorCount, m.LogicalCores);
        Assert.False(string.IsNullOrWhiteSpace(m.CpuModel));
        Assert.Matches(@"^\d+\.\d+\.\d+", m.OnnxRuntime);
        Assert.Contains(".NET", m.DotNet);
        if (OperatingSystem.IsLinux()) Assert.Matches(@"^\d+\.\d+ \d+\.\d+ \d+\.\d+$", m.LoadAverage);
    }
}
