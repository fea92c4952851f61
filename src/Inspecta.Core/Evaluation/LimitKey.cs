using System.Globalization;

namespace Inspecta.Evaluation;

/// <summary>Formats an integration limit as a JSON key the way Python prints floats ("0.3", "1.0"), as the official tools do.</summary>
public static class LimitKey
{
    public static string Format(double limit)
    {
        string s = limit.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
