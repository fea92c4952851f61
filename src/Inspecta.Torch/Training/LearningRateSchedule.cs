namespace Inspecta.Torch.Training;

public enum LearningRateSchedule { Constant, Cosine, Step }

public static class LearningRateSchedules
{
    public static LearningRateSchedule Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "constant" => LearningRateSchedule.Constant,
        "cosine" => LearningRateSchedule.Cosine,
        "step" => LearningRateSchedule.Step,
        _ => throw new InspectaUserException($"Unknown learning-rate schedule '{text}'. Use constant, cosine or step."),
    };

    public static string Name(this LearningRateSchedule s) => s.ToString().ToLowerInvariant();

    /// <summary>The rate for a 0-based epoch: cosine anneals to 1 % of the base over all epochs; step divides by 10
    /// at 50 % and 75 % of them. Computed here (not by a stateful scheduler) so a resumed fit gets the same rates.</summary>
    public static double RateAt(this LearningRateSchedule s, double baseRate, int epoch, int epochs) => s switch
    {
        LearningRateSchedule.Cosine => baseRate * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, epochs)))),
        LearningRateSchedule.Step => baseRate * (epoch >= epochs * 3 / 4 ? 0.01 : epoch >= epochs / 2 ? 0.1 : 1.0),
        _ => baseRate,
    };
}
