namespace Inspecta.Evaluation;

/// <summary>
/// Maps float scores to unsigned keys whose ascending order is the descending order of the scores, so a radix
/// sort on the keys yields the high-to-low sweep order. -0 folds into +0: equal floats must share a key.
/// </summary>
internal static class ScoreKey
{
    public static uint Descending(float score)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score == 0 ? 0f : score);
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ~ascending;
    }

    public static float ToScore(uint key)
    {
        uint ascending = ~key;
        uint bits = (ascending & 0x8000_0000u) != 0 ? ascending & 0x7FFF_FFFFu : ~ascending;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
