using System.Text.Json.Nodes;

namespace Inspecta.Cluster.Jobs;

/// <summary>One kind of batch work item: what a silo computes from the job's spec and the item's payload. Must be a pure
/// function of those two (an item may run twice when a silo dies with its lease), and reads files through paths every
/// node sees (a shared folder, or the same copy on each machine).</summary>
public interface IWorkKind
{
    string Kind { get; }
    byte[] Run(JsonObject spec, JsonObject payload, JobResources resources, CancellationToken cancel);
}

/// <summary>The work kinds a silo runs.</summary>
public static class WorkKinds
{
    public static readonly IReadOnlyList<IWorkKind> All = [new EvalWork(), new PredictWork(), new FitWork()];
    public static IWorkKind Get(string kind) => All.FirstOrDefault(k => k.Kind == kind) ?? throw new InvalidOperationException($"unknown work kind '{kind}'.");
}
