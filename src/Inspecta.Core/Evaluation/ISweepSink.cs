namespace Inspecta.Evaluation;

/// <summary>Receives one point per distinct score of a <see cref="SortedPixelScores.Sweep{TSink}"/>, high to low.</summary>
internal interface ISweepSink
{
    /// <param name="key">Descending-order key of the score (see <see cref="ScoreKey"/>).</param>
    /// <param name="falsePositives">Negatives with a score ≥ this one.</param>
    /// <param name="truePositives">Positive events with a score ≥ this one.</param>
    /// <param name="weight">Sum of the positive events' weights so far.</param>
    void Add(uint key, long falsePositives, long truePositives, double weight);
}
