using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Nn;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Inspecta.Torch.Training;

/// <summary>
/// A resumable snapshot of a training phase: network weights, optimiser state (Adam's moments), the finished epoch,
/// the loss history and the early-stopping state. Written atomically in the model-file container after every epoch;
/// an interrupted fit leaves it behind, a finished one removes it.
/// </summary>
public static class Checkpoint
{
    public const string Method = "checkpoint";

    /// <summary>Checkpoint path for a model file: <c>model.inspecta</c> → <c>model.inspecta.checkpoint</c>.</summary>
    public static string PathFor(string modelPath) => modelPath + ".checkpoint";

    /// <summary>Removes the checkpoint of <paramref name="checkpointPath"/> and those of later phases (<c>….checkpoint.encoder</c>), after the model was saved.</summary>
    public static void DeleteAll(string checkpointPath)
    {
        if (File.Exists(checkpointPath)) File.Delete(checkpointPath);
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(checkpointPath))!;
        foreach (string f in Directory.EnumerateFiles(dir, System.IO.Path.GetFileName(checkpointPath) + ".*")) File.Delete(f);
    }

    public static void Write(string path, string phase, JsonObject architecture, IReadOnlyList<(string Name, nn.Module Module)> modules,
        IReadOnlyList<OptimizerHelper> optimizers, int epochsDone, IReadOnlyList<TrainingEpoch> history, double bestValidation, int bestEpoch)
    {
        var writer = new ModelWriter(Method);
        writer.Parameters["phase"] = phase;
        writer.Parameters["architecture"] = architecture.DeepClone();
        writer.Parameters["epochs_done"] = epochsDone;
        writer.Parameters["best_validation"] = double.IsFinite(bestValidation) ? bestValidation : null;
        writer.Parameters["best_epoch"] = bestEpoch;
        writer.Parameters["history"] = TrainingHistory.ToJson(history);
        foreach (var (name, module) in modules) ModuleWeights.Save(module, name, writer);
        for (int i = 0; i < optimizers.Count; i++)
        {
            // TorchSharp serialises optimiser state only to a file; its bytes go into the container.
            string tmp = System.IO.Path.GetTempFileName();
            try
            {
                optimizers[i].save_state_dict(tmp);
                writer.AddArray($"optimizer{i}", File.ReadAllBytes(tmp));
            }
            finally { File.Delete(tmp); }
        }
        writer.WriteTo(path);
    }

    public sealed record State(int EpochsDone, List<TrainingEpoch> History, double BestValidation, int BestEpoch);

    /// <summary>Loads a checkpoint into the modules and optimisers; one made for another phase or architecture is a user error.</summary>
    public static State Read(string path, string phase, JsonObject architecture, IReadOnlyList<(string Name, nn.Module Module)> modules,
        IReadOnlyList<OptimizerHelper> optimizers)
    {
        var reader = ModelReader.Open(path);
        if (reader.Method != Method) throw reader.Error("not a training checkpoint.");
        var p = reader.Parameters;
        if (p["phase"]?.GetValue<string>() != phase) throw reader.Error($"the checkpoint is of phase '{p["phase"]}', this fit resumes '{phase}'.");
        if (!JsonNode.DeepEquals(p["architecture"], architecture))
            throw reader.Error("the checkpoint was made with another architecture or preprocessing; delete it or fit with the same options.");
        foreach (var (name, module) in modules) ModuleWeights.Load(module, name, reader);
        for (int i = 0; i < optimizers.Count; i++)
        {
            string tmp = System.IO.Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(tmp, reader.ReadBytes($"optimizer{i}"));
                optimizers[i].load_state_dict(tmp);
            }
            finally { File.Delete(tmp); }
        }
        var history = TrainingHistory.FromJson(p["history"]?.AsArray());
        return new State(p["epochs_done"]!.GetValue<int>(), history, p["best_validation"]?.GetValue<double>() ?? double.PositiveInfinity, p["best_epoch"]!.GetValue<int>());
    }
}
