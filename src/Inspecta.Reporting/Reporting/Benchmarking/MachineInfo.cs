using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>What a benchmark ran on: numbers are meaningless without it.</summary>
public sealed record MachineInfo(string CpuModel, int LogicalCores, string Os, string DotNet, string OnnxRuntime, string LoadAverage)
{
    public static MachineInfo Current() => new(
        ReadCpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
        OnnxRuntimeVersion(), LoadAverageNow());

    /// <summary>The 1/5/15-minute load average from /proc/loadavg ("n/a" elsewhere): other work on
    /// the machine skews timings, so it is recorded next to them.</summary>
    public static string LoadAverageNow()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "n/a";
        }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    private static string ReadCpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int i and > 0)
                    return line[(i + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The ONNX Runtime package version, read from its managed assembly (no native load needed; reporting does not depend on it).</summary>
    private static string OnnxRuntimeVersion()
    {
        Assembly asm;
        try { asm = Assembly.Load(new AssemblyName("Microsoft.ML.OnnxRuntime")); }
        catch (IOException) { return "not installed"; }
        string? v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (v is null) return asm.GetName().Version?.ToString() ?? "unknown";
        int plus = v.IndexOf('+');
        return plus > 0 ? v[..plus] : v;
    }

    public JsonObject ToJson() => new()
    {
        ["cpu"] = CpuModel,
        ["logical_cores"] = LogicalCores,
        ["os"] = Os,
        ["dotnet"] = DotNet,
        ["onnxruntime"] = OnnxRuntime,
        ["load_average"] = LoadAverage,
    };

    public override string ToString() =>
        $"{CpuModel}, {LogicalCores} logical cores, {Os}, {DotNet}, ONNX Runtime {OnnxRuntime}, load average {LoadAverage}";
}
