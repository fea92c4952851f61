using Inspecta.Detectors.Registry;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>
/// The runs behind README.md's speed figures (<c>inspecta bench --readme --dataset &lt;bottle&gt;</c>): PatchCore with
/// its defaults (the built-in resnet18 at 224×224) at the 10 % and the 1 % coreset, so that a user reproduces the
/// figures with one command on their machine. What the columns include is printed with every bench table
/// (<see cref="BenchReport.TimingNote"/>).
/// </summary>
public static class ReadmeBench
{
    public static IReadOnlyList<MethodConfig> Runs(MethodRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var patchcore = registry.Get("patchcore");
        MethodConfig At(double coreset, string label)
        {
            var option = patchcore.Schema.Find("coreset") ?? throw new InvalidOperationException("patchcore has no coreset option.");
            return new MethodConfig(patchcore, patchcore.Schema.With(patchcore.DefaultOptions(), [(option, coreset)]), label);
        }
        return [At(0.1, "patchcore"), At(0.01, "patchcore-1%")];
    }
}
