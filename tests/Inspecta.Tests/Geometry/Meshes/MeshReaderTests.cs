using Inspecta;
using Inspecta.Geometry.Meshes;
using Inspecta.Synthesis.ThreeD;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Geometry.Meshes;

public class MeshReaderTests
{
    [CgalFact]
    public void Reads_real_off_ply_and_stl_meshes()
    {
        var coupling = MeshIO.Read(CgalMeshes.Path("data/meshes/couplingdown.off"));
        Assert.Equal(1841, coupling.VertexCount);
        Assert.Equal(3714, coupling.TriangleCount);
        Assert.True(coupling.IsWatertight());

        var quads = MeshIO.Read(CgalMeshes.Path("data/meshes/cube_quad.off"));
        Assert.True(quads.IsWatertight(), "fan-triangulated quads must stay closed");

        var plySphere = MeshIO.Read(CgalMeshes.Path("data/meshes/sphere.ply"));
        Assert.Equal(162, plySphere.VertexCount);
        Assert.Equal(320, plySphere.TriangleCount);
        var stlSphere = MeshIO.Read(CgalMeshes.Path("data/meshes/sphere.stl"));
        Assert.Equal(320, stlSphere.TriangleCount);
        Assert.Equal(162, stlSphere.VertexCount); // STL corners welded back into shared vertices
        Assert.True(stlSphere.IsWatertight());
        Assert.Equal(plySphere.SurfaceArea(), stlSphere.SurfaceArea(), 3);

        var pig = MeshIO.Read(CgalMeshes.Path("data/meshes/pig.stl"));
        Assert.True(pig.TriangleCount > 10_000);
    }

    [CgalFact]
    public void Refinement_of_a_cad_mesh_stays_closed_and_meets_the_edge_target()
    {
        var mesh = MeshIO.Read(CgalMeshes.Path("data/meshes/anchor.off"));
        var (min, max) = mesh.Bounds();
        float edge = (max - min).Length / 60;
        var fine = MeshRefiner.Refine(mesh, edge);
        Assert.Equal(mesh.IsWatertight(), fine.IsWatertight());
        Assert.Equal(mesh.SurfaceArea(), fine.SurfaceArea(), 2);
        for (int t = 0; t < fine.TriangleCount; t++)
            for (int e = 0; e < 3; e++)
                Assert.True((fine.Vertex(fine.Triangles[3 * t + e]) - fine.Vertex(fine.Triangles[3 * t + (e + 1) % 3])).Length <= edge * 1.0001f);
    }

    [CgalFact]
    public void Defects_carved_on_a_user_mesh_follow_the_anomaly_shapenet_rules()
    {
        var source = ShapeSource3D.FromMesh("fandisk", MeshIO.Read(CgalMeshes.Path("data/meshes/fandisk.off")));
        var generator = new ShapeNetStyleGenerator(new ShapeNetStyleOptions { Seed = 3, MinPoints = 8000, MaxPoints = 8000 });
        foreach (var defect in new[] { "bulge", "hole", "crack" })
        {
            var sample = generator.Generate(source, "fandisk_" + defect + "0", Inspecta.Datasets.Split.Test, defect, 0);
            double share = sample.AnomalousCount / (double)sample.Cloud.Count;
            Assert.InRange(share, 0.01, 0.10);
            Inspecta.Tests.Synthesis.ShapeNetStyleTests.AssertLabelsMatchDisplacement(sample, generator.Options.LabelThreshold, "fandisk/" + defect);
        }
    }

    [CgalFact]
    public void Synth_3d_turns_a_folder_of_user_meshes_into_classes()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["meshes"]);
        File.Copy(CgalMeshes.Path("data/meshes/sphere.stl"), tmp["meshes/sphere.stl"]);
        File.Copy(CgalMeshes.Path("data/meshes/couplingdown.off"), tmp["meshes/coupling.off"]);
        File.WriteAllText(tmp["meshes/readme.txt"], "not a mesh");
        var run = CliRunner.Run("synth", "3d", "--out", tmp["out"], "--meshes", tmp["meshes"], "--classes", "coupling", "--count", "1", "--test-count", "1", "--normal-count", "2", "--points", "8000", "8000");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(Directory.Exists(tmp["out/sphere"]), "--classes limits the mesh files used");
        Assert.Single(Directory.GetFiles(tmp["out/coupling/train"], "coupling_template*.pcd"));
        Assert.Equal(6 + 2, Directory.GetFiles(tmp["out/coupling/GT"], "*.txt").Length);
    }

    [Fact]
    public void Reads_obj_with_polygons_relative_indices_and_texture_refs()
    {
        using var tmp = new TempDir();
        string path = tmp["tetra.obj"];
        File.WriteAllText(path, "# tetra\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nf 1/1 3 2\nf 1 2 4\nf -3 -1 -2\nf 1 4 3\n");
        var mesh = MeshIO.Read(path);
        Assert.Equal(4, mesh.VertexCount);
        Assert.Equal(4, mesh.TriangleCount);
        Assert.True(mesh.IsWatertight());
    }

    [Fact]
    public void Binary_ply_and_ascii_stl_are_read()
    {
        using var tmp = new TempDir();
        string ply = tmp["quad.ply"];
        using (var w = new BinaryWriter(File.Create(ply)))
        {
            w.Write("ply\nformat binary_little_endian 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n"u8.ToArray());
            foreach (var (x, y) in new[] { (0f, 0f), (1f, 0f), (1f, 1f), (0f, 1f) }) { w.Write(x); w.Write(y); w.Write(0f); w.Write((byte)200); }
            w.Write((byte)4); w.Write(0); w.Write(1); w.Write(2); w.Write(3);
        }
        var quad = MeshIO.Read(ply);
        Assert.Equal(2, quad.TriangleCount);
        Assert.Equal(1.0, quad.SurfaceArea(), 5);

        string stl = tmp["tri.stl"];
        File.WriteAllText(stl, "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 2 0 0\nvertex 0 2 0\nendloop\nendfacet\nendsolid t\n");
        Assert.Equal(2.0, MeshIO.Read(stl).SurfaceArea(), 5);
    }

    [Fact]
    public void Bad_mesh_files_give_user_errors_naming_the_file()
    {
        using var tmp = new TempDir();
        string off = tmp["bad.off"];
        File.WriteAllText(off, "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n");
        var ex = Assert.Throws<InspectaUserException>(() => MeshIO.Read(off));
        Assert.Contains("bad.off", ex.Message);
        Assert.Contains("vertex 7", ex.Message);
        string truncated = tmp["short.off"];
        File.WriteAllText(truncated, "OFF\n3 1 0\n0 0 0\n");
        Assert.Throws<InspectaUserException>(() => MeshIO.Read(truncated));
        Assert.Throws<InspectaUserException>(() => MeshIO.Read(tmp["missing.stl"]));
        File.WriteAllText(tmp["x.gltf"], "{}");
        Assert.Throws<InspectaUserException>(() => MeshIO.Read(tmp["x.gltf"]));
        string noFaces = tmp["pts.ply"];
        File.WriteAllText(noFaces, "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n");
        Assert.Contains("no faces", Assert.Throws<InspectaUserException>(() => MeshIO.Read(noFaces)).Message);
    }
}
