namespace Inspecta.Cluster.Hosting;

/// <summary>A model grain's key: the model's name and the replica index (<c>tiles/0</c>). Model names are file names, which
/// cannot hold '/', so the last '/' separates them.</summary>
public readonly record struct ModelKey(string Model, int Replica)
{
    public override string ToString() => $"{Model}/{Replica}";

    public static ModelKey Parse(string key)
    {
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int replica))
            throw new FormatException($"'{key}' is not a model grain key (<model>/<replica>).");
        return new ModelKey(key[..slash], replica);
    }
}
