namespace Inspecta.Geometry;

/// <summary>
/// A point cloud: xyz as float32 triples (x0,y0,z0,x1,…), with optional per-point normals, colours
/// (RGB in [0,1]), integer labels (1 = anomalous in ground truth) and any number of named extra scalar
/// fields (curvature, intensity, a per-point anomaly score, …). A cloud read from an organised scan keeps
/// every pixel (invalid ones as NaN) and reports <see cref="Width"/> × <see cref="Height"/>.
/// </summary>
public sealed class PointCloud
{
    private float[]? _normals, _colors;
    private int[]? _labels;
    private readonly List<PointField> _fields = [];

    public int Count { get; }
    public float[] Positions { get; }

    /// <summary>Unit normals, interleaved like <see cref="Positions"/>.</summary>
    public float[]? Normals { get => _normals; set => _normals = CheckLength(value, 3, nameof(Normals)); }

    /// <summary>RGB in [0, 1], interleaved like <see cref="Positions"/>.</summary>
    public float[]? Colors { get => _colors; set => _colors = CheckLength(value, 3, nameof(Colors)); }

    public int[]? Labels { get => _labels; set => _labels = CheckLength(value, 1, nameof(Labels)); }

    /// <summary>Points per row; equals <see cref="Count"/> for an unorganised cloud.</summary>
    public int Width { get; private set; }
    /// <summary>Rows; 1 for an unorganised cloud.</summary>
    public int Height { get; private set; } = 1;
    public bool IsOrganized => Height > 1;

    /// <summary>Sensor pose the cloud was acquired from (PCD VIEWPOINT); normals are oriented towards its origin by default.</summary>
    public Viewpoint Viewpoint { get; set; } = Viewpoint.Identity;

    /// <summary>Extra named per-point fields in file order (everything except xyz, normals, colour and label).</summary>
    public IReadOnlyList<PointField> Fields => _fields;

    public PointCloud(float[] positions)
    {
        if (positions.Length % 3 != 0) throw new ArgumentException($"Position array length {positions.Length} is not a multiple of 3.", nameof(positions));
        Positions = positions;
        Count = positions.Length / 3;
        Width = Count;
    }

    public ReadOnlySpan<float> Point(int i) => Positions.AsSpan(3 * i, 3);

    /// <summary>Declares the cloud organised as <paramref name="height"/> rows of <paramref name="width"/> points.</summary>
    public void SetOrganized(int width, int height)
    {
        if (width <= 0 || height <= 0 || (long)width * height != Count)
            throw new ArgumentException($"Organised size {width}×{height} does not match {Count} points.");
        Width = width; Height = height;
    }

    public PointField? FindField(string name) => _fields.Find(f => f.Name == name);

    /// <summary>Adds or replaces a field.</summary>
    public PointField SetField(PointField field)
    {
        if (field.Values.Length != (long)Count * field.Components)
            throw new ArgumentException($"Field '{field.Name}' has {field.Values.Length} values, expected {Count}×{field.Components}.");
        int i = _fields.FindIndex(f => f.Name == field.Name);
        if (i >= 0) _fields[i] = field; else _fields.Add(field);
        return field;
    }

    /// <summary>Adds or replaces a float32 scalar field (e.g. a per-point anomaly score).</summary>
    public PointField SetField(string name, ReadOnlySpan<float> values)
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return SetField(new PointField(name, PointFieldType.Float32, 1, d));
    }

    public bool RemoveField(string name) => _fields.RemoveAll(f => f.Name == name) > 0;

    /// <summary>The points whose xyz are all finite, with every attribute carried along; <paramref name="sourceIndex"/> maps back.</summary>
    public PointCloud SelectFinite(out int[] sourceIndex)
    {
        var keep = new List<int>(Count);
        for (int i = 0; i < Count; i++)
            if (float.IsFinite(Positions[3 * i]) && float.IsFinite(Positions[3 * i + 1]) && float.IsFinite(Positions[3 * i + 2])) keep.Add(i);
        sourceIndex = keep.ToArray();
        return Select(sourceIndex);
    }

    /// <summary>A new unorganised cloud of the given points (in that order) with all attributes.</summary>
    public PointCloud Select(ReadOnlySpan<int> indices)
    {
        int n = indices.Length;
        var pos = new float[3 * n];
        for (int k = 0; k < n; k++) Positions.AsSpan(3 * indices[k], 3).CopyTo(pos.AsSpan(3 * k));
        var result = new PointCloud(pos) { Viewpoint = Viewpoint };
        if (_normals is not null) result.Normals = Gather(_normals, 3, indices);
        if (_colors is not null) result.Colors = Gather(_colors, 3, indices);
        if (_labels is not null) result.Labels = Gather(_labels, 1, indices);
        foreach (var f in _fields) result._fields.Add(new PointField(f.Name, f.Type, f.Components, Gather(f.Values, f.Components, indices)));
        return result;
    }

    private static T[] Gather<T>(T[] source, int stride, ReadOnlySpan<int> indices)
    {
        var r = new T[indices.Length * stride];
        for (int k = 0; k < indices.Length; k++) source.AsSpan(indices[k] * stride, stride).CopyTo(r.AsSpan(k * stride));
        return r;
    }

    private T[]? CheckLength<T>(T[]? values, int stride, string what)
    {
        if (values is not null && values.Length != (long)Count * stride)
            throw new ArgumentException($"{what} has {values.Length} values, expected {Count}×{stride}.");
        return values;
    }

    public override string ToString() => $"PointCloud({Count} points{(IsOrganized ? $", {Width}×{Height}" : "")}{(Normals is null ? "" : ", normals")}{(Colors is null ? "" : ", colours")}{(Labels is null ? "" : ", labels")}{(_fields.Count == 0 ? "" : ", " + string.Join(", ", _fields.Select(f => f.Name)))})";
}
