using System.Text.Json.Nodes;
using Inspecta.Persistence;

namespace Inspecta.Torch.Nn;

/// <summary>What every trained model file records besides its weights: the training summary (seed, threads, images),
/// the loss history and the parameter count; loading restores the thread count the model was trained with.</summary>
internal static class TrainedState
{
    public static void Write(JsonObject parameters, JsonObject training, IReadOnlyList<TrainingEpoch> history, long parameterCount)
    {
        parameters["training"] = training.DeepClone();
        parameters["history"] = TrainingHistory.ToJson(history);
        parameters["parameter_count"] = parameterCount;
    }

    public static (JsonObject Training, List<TrainingEpoch> History) Read(ModelReader reader)
    {
        var training = reader.Parameters["training"]?.AsObject().DeepClone().AsObject() ?? new JsonObject();
        var history = TrainingHistory.FromJson(reader.Parameters["history"]?.AsArray());
        // libtorch's reductions depend on the thread count: predict with the one the model was trained with.
        if (training["threads"]?.GetValue<int>() is int threads) TorchRuntime.SetThreads(threads);
        return (training, history);
    }
}
