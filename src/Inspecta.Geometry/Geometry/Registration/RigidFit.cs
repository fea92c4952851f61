using MathNet.Numerics.LinearAlgebra;

namespace Inspecta.Geometry.Registration;

/// <summary>Closed-form least-squares rigid transforms from point correspondences.</summary>
public static class RigidFit
{
    /// <summary>
    /// The rotation and translation minimising Σ‖R·s_i + t − d_i‖² (Kabsch/Umeyama, reflection-safe) over the
    /// pairs (source[sIdx[k]], target[tIdx[k]]). Needs at least 3 non-collinear pairs for a unique answer.
    /// </summary>
    public static RigidTransform PointToPoint(float[] source, ReadOnlySpan<int> sourceIndices, float[] target, ReadOnlySpan<int> targetIndices)
    {
        int m = sourceIndices.Length;
        if (m != targetIndices.Length) throw new ArgumentException("Correspondence lists differ in length.");
        if (m == 0) return RigidTransform.Identity;
        double sx = 0, sy = 0, sz = 0, tx = 0, ty = 0, tz = 0;
        for (int k = 0; k < m; k++)
        {
            int a = sourceIndices[k], b = targetIndices[k];
            sx += source[3 * a]; sy += source[3 * a + 1]; sz += source[3 * a + 2];
            tx += target[3 * b]; ty += target[3 * b + 1]; tz += target[3 * b + 2];
        }
        sx /= m; sy /= m; sz /= m; tx /= m; ty /= m; tz /= m;
        var h = new double[3, 3];
        for (int k = 0; k < m; k++)
        {
            int a = sourceIndices[k], b = targetIndices[k];
            double ax = source[3 * a] - sx, ay = source[3 * a + 1] - sy, az = source[3 * a + 2] - sz;
            double bx = target[3 * b] - tx, by = target[3 * b + 1] - ty, bz = target[3 * b + 2] - tz;
            h[0, 0] += ax * bx; h[0, 1] += ax * by; h[0, 2] += ax * bz;
            h[1, 0] += ay * bx; h[1, 1] += ay * by; h[1, 2] += ay * bz;
            h[2, 0] += az * bx; h[2, 1] += az * by; h[2, 2] += az * bz;
        }
        var svd = Matrix<double>.Build.DenseOfArray(h).Svd(computeVectors: true);
        var u = svd.U; var vt = svd.VT;
        var v = vt.Transpose();
        double det = (v * u.Transpose()).Determinant();
        var d = Matrix<double>.Build.DenseIdentity(3);
        d[2, 2] = det < 0 ? -1 : 1;
        var r = v * d * u.Transpose();
        double rtx = tx - (r[0, 0] * sx + r[0, 1] * sy + r[0, 2] * sz);
        double rty = ty - (r[1, 0] * sx + r[1, 1] * sy + r[1, 2] * sz);
        double rtz = tz - (r[2, 0] * sx + r[2, 1] * sy + r[2, 2] * sz);
        return new RigidTransform([r[0, 0], r[0, 1], r[0, 2], r[1, 0], r[1, 1], r[1, 2], r[2, 0], r[2, 1], r[2, 2]], rtx, rty, rtz);
    }

    /// <summary>
    /// One linearised point-to-plane step: the small motion minimising Σ((R·s_i + t − d_i)·n_i)² with
    /// R ≈ Rz(γ)Ry(β)Rx(α) (as Open3D). <paramref name="source"/> is already in the current pose.
    /// </summary>
    public static RigidTransform PointToPlaneStep(float[] source, ReadOnlySpan<int> sourceIndices, float[] target, float[] targetNormals, ReadOnlySpan<int> targetIndices)
    {
        var ata = new double[6, 6];
        var atb = new double[6];
        Span<double> j = stackalloc double[6];
        for (int k = 0; k < sourceIndices.Length; k++)
        {
            int a = sourceIndices[k], b = targetIndices[k];
            double px = source[3 * a], py = source[3 * a + 1], pz = source[3 * a + 2];
            double nx = targetNormals[3 * b], ny = targetNormals[3 * b + 1], nz = targetNormals[3 * b + 2];
            if (!double.IsFinite(nx + ny + nz)) continue;
            double r = (px - target[3 * b]) * nx + (py - target[3 * b + 1]) * ny + (pz - target[3 * b + 2]) * nz;
            // ∂r/∂(α,β,γ) = p × n, ∂r/∂t = n
            j[0] = py * nz - pz * ny; j[1] = pz * nx - px * nz; j[2] = px * ny - py * nx;
            j[3] = nx; j[4] = ny; j[5] = nz;
            for (int p = 0; p < 6; p++)
            {
                atb[p] -= j[p] * r;
                for (int q = 0; q < 6; q++) ata[p, q] += j[p] * j[q];
            }
        }
        var A = Matrix<double>.Build.DenseOfArray(ata);
        if (Math.Abs(A.Determinant()) < 1e-30) return RigidTransform.Identity;
        var x = A.Solve(Vector<double>.Build.DenseOfArray(atb));
        return RigidTransform.FromEuler(x[0], x[1], x[2], x[3], x[4], x[5]);
    }
}
