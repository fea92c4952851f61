using System.Numerics;

namespace Inspecta.Geometry.Registration;

/// <summary>
/// A rotation followed by a translation, p ↦ R·p + t (column-vector convention, like Open3D's 4×4 matrices),
/// in double precision.
/// </summary>
public readonly struct RigidTransform : IEquatable<RigidTransform>
{
    // Row-major 3×3 rotation.
    public readonly double R00, R01, R02, R10, R11, R12, R20, R21, R22;
    public readonly double Tx, Ty, Tz;

    public RigidTransform(ReadOnlySpan<double> rotationRowMajor, double tx, double ty, double tz)
    {
        if (rotationRowMajor.Length != 9) throw new ArgumentException("A rotation needs 9 values.");
        R00 = rotationRowMajor[0]; R01 = rotationRowMajor[1]; R02 = rotationRowMajor[2];
        R10 = rotationRowMajor[3]; R11 = rotationRowMajor[4]; R12 = rotationRowMajor[5];
        R20 = rotationRowMajor[6]; R21 = rotationRowMajor[7]; R22 = rotationRowMajor[8];
        Tx = tx; Ty = ty; Tz = tz;
    }

    public static RigidTransform Identity { get; } = new([1, 0, 0, 0, 1, 0, 0, 0, 1], 0, 0, 0);

    public static RigidTransform FromQuaternion(Quaternion q, Vector3 translation)
    {
        var m = Matrix4x4.CreateFromQuaternion(Quaternion.Normalize(q));
        // System.Numerics uses row vectors (v·M): our column-vector R is Mᵀ.
        return new RigidTransform([m.M11, m.M21, m.M31, m.M12, m.M22, m.M32, m.M13, m.M23, m.M33], translation.X, translation.Y, translation.Z);
    }

    /// <summary>Rotation R = Rz(γ)·Ry(β)·Rx(α) (angles in radians) and a translation.</summary>
    public static RigidTransform FromEuler(double alpha, double beta, double gamma, double tx, double ty, double tz)
    {
        double ca = Math.Cos(alpha), sa = Math.Sin(alpha), cb = Math.Cos(beta), sb = Math.Sin(beta), cg = Math.Cos(gamma), sg = Math.Sin(gamma);
        return new RigidTransform([
            cg * cb, -sg * ca + cg * sb * sa, sg * sa + cg * sb * ca,
            sg * cb, cg * ca + sg * sb * sa, -cg * sa + sg * sb * ca,
            -sb, cb * sa, cb * ca], tx, ty, tz);
    }

    public (double X, double Y, double Z) Apply(double x, double y, double z) =>
        (R00 * x + R01 * y + R02 * z + Tx, R10 * x + R11 * y + R12 * z + Ty, R20 * x + R21 * y + R22 * z + Tz);

    public (double X, double Y, double Z) Rotate(double x, double y, double z) =>
        (R00 * x + R01 * y + R02 * z, R10 * x + R11 * y + R12 * z, R20 * x + R21 * y + R22 * z);

    public Vector3 Apply(Vector3 p) { var (x, y, z) = Apply(p.X, p.Y, p.Z); return new Vector3((float)x, (float)y, (float)z); }

    /// <summary>This transform applied after <paramref name="first"/>: p ↦ this(first(p)).</summary>
    public RigidTransform After(RigidTransform first)
    {
        Span<double> r = stackalloc double[9];
        double[] a = [R00, R01, R02, R10, R11, R12, R20, R21, R22];
        double[] b = [first.R00, first.R01, first.R02, first.R10, first.R11, first.R12, first.R20, first.R21, first.R22];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        var (tx, ty, tz) = Apply(first.Tx, first.Ty, first.Tz);
        return new RigidTransform(r, tx, ty, tz);
    }

    public RigidTransform Inverse()
    {
        double[] rt = [R00, R10, R20, R01, R11, R21, R02, R12, R22];
        double tx = -(rt[0] * Tx + rt[1] * Ty + rt[2] * Tz), ty = -(rt[3] * Tx + rt[4] * Ty + rt[5] * Tz), tz = -(rt[6] * Tx + rt[7] * Ty + rt[8] * Tz);
        return new RigidTransform(rt, tx, ty, tz);
    }

    /// <summary>Rotation angle (radians) of this·other⁻¹: 0 when both rotate alike.</summary>
    public double RotationAngleTo(RigidTransform other)
    {
        var d = After(other.Inverse());
        double c = (d.R00 + d.R11 + d.R22 - 1) / 2;
        return Math.Acos(Math.Clamp(c, -1, 1));
    }

    public double TranslationDistanceTo(RigidTransform other) =>
        Math.Sqrt((Tx - other.Tx) * (Tx - other.Tx) + (Ty - other.Ty) * (Ty - other.Ty) + (Tz - other.Tz) * (Tz - other.Tz));

    /// <summary>The 4×4 homogeneous matrix, row-major (as Open3D prints it).</summary>
    public double[] ToMatrix4x4() => [R00, R01, R02, Tx, R10, R11, R12, Ty, R20, R21, R22, Tz, 0, 0, 0, 1];

    /// <summary>A transformed copy of the cloud (positions and normals; other attributes shared).</summary>
    public PointCloud Apply(PointCloud cloud)
    {
        var pos = new float[cloud.Positions.Length];
        for (int i = 0; i < cloud.Count; i++)
        {
            var (x, y, z) = Apply(cloud.Positions[3 * i], cloud.Positions[3 * i + 1], cloud.Positions[3 * i + 2]);
            pos[3 * i] = (float)x; pos[3 * i + 1] = (float)y; pos[3 * i + 2] = (float)z;
        }
        var result = new PointCloud(pos) { Colors = cloud.Colors, Labels = cloud.Labels, Viewpoint = cloud.Viewpoint with { Origin = Apply(cloud.Viewpoint.Origin) } };
        if (cloud.Normals is { } nrm)
        {
            var rn = new float[nrm.Length];
            for (int i = 0; i < cloud.Count; i++)
            {
                var (x, y, z) = Rotate(nrm[3 * i], nrm[3 * i + 1], nrm[3 * i + 2]);
                rn[3 * i] = (float)x; rn[3 * i + 1] = (float)y; rn[3 * i + 2] = (float)z;
            }
            result.Normals = rn;
        }
        foreach (var f in cloud.Fields) result.SetField(f);
        if (cloud.IsOrganized) result.SetOrganized(cloud.Width, cloud.Height);
        return result;
    }

    public bool Equals(RigidTransform o) => ToMatrix4x4().AsSpan().SequenceEqual(o.ToMatrix4x4());
    public override bool Equals(object? obj) => obj is RigidTransform o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(R00, R11, R22, Tx, Ty, Tz);
    public static bool operator ==(RigidTransform a, RigidTransform b) => a.Equals(b);
    public static bool operator !=(RigidTransform a, RigidTransform b) => !a.Equals(b);

    public override string ToString() => FormattableString.Invariant($"[{R00:F5} {R01:F5} {R02:F5} | {Tx:F5}; {R10:F5} {R11:F5} {R12:F5} | {Ty:F5}; {R20:F5} {R21:F5} {R22:F5} | {Tz:F5}]");
}
