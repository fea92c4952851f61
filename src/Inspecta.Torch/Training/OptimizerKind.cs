namespace Inspecta.Torch.Training;

public enum OptimizerKind { Adam, Sgd }

public static class OptimizerKinds
{
    public static OptimizerKind Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "adam" => OptimizerKind.Adam,
        "sgd" => OptimizerKind.Sgd,
        _ => throw new InspectaUserException($"Unknown optimizer '{text}'. Use adam or sgd."),
    };

    public static string Name(this OptimizerKind kind) => kind == OptimizerKind.Adam ? "adam" : "sgd";
}
