using Iess.Identity.Accounts;

namespace Iess.Identity.Tests.Accounts;

public sealed class CedulaRucTests
{
    /// <summary>
    /// The reference file, kept in the repository (Accounts/ecuador-ids.csv, copied to the test output) so a clone
    /// runs on its own. When the shared original sits next to the solution's folder (../shared/data), the copy must
    /// equal it, so the two cannot drift apart.
    /// </summary>
    private static string ReferenceFile()
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "Accounts", "ecuador-ids.csv");
        Assert.True(File.Exists(copy), $"The reference file {copy} is missing from the test output.");
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "IessIdentity.sln")))
        {
            folder = folder.Parent;
        }

        var shared = folder is null ? null : Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "data", "ecuador-ids.csv"));
        if (shared is not null && File.Exists(shared))
        {
            Assert.Equal(File.ReadAllText(shared), File.ReadAllText(copy));
        }

        return copy;
    }

    [Fact]
    public void TryParse_EveryRowOfReferenceFile_AgreesWithExpected()
    {
        var lines = File.ReadAllLines(ReferenceFile());
        Assert.Equal("kind,number,expected,note", lines[0].Trim());
        var disagreements = new List<string>();
        var checkedRows = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var fields = lines[i].Split(',', 4);
            Assert.True(fields.Length == 4, $"line {i + 1} is not kind,number,expected,note: {lines[i]}");
            var (kind, number, expected, note) = (fields[0], fields[1], fields[2], fields[3]);
            bool actual = kind switch
            {
                "cedula" => Cedula.TryParse(number, out _),
                "ruc" => Ruc.TryParse(number, out _),
                _ => throw new InvalidDataException($"line {i + 1}: unknown kind '{kind}'"),
            };
            if (actual != (expected == "valid"))
            {
                disagreements.Add($"line {i + 1}: {kind} '{number}' ({note}) expected {expected}, validator says {(actual ? "valid" : "invalid")}");
            }

            checkedRows++;
        }

        Assert.True(checkedRows > 300, $"only {checkedRows} rows were read");
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
    }

    [Fact]
    public void TryParse_RucRowsOfReferenceFile_ReportTheKindTheNoteNames()
    {
        var wrong = new List<string>();
        foreach (var line in File.ReadLines(ReferenceFile()).Skip(1))
        {
            var fields = line.Split(',', 4);
            if (fields is not ["ruc", var number, "valid", var note])
            {
                continue;
            }

            RucKind? expected = note switch
            {
                "natural person" => RucKind.NaturalPerson,
                "private company" => RucKind.PrivateCompany,
                "public entity" => RucKind.PublicEntity,
                _ => null,
            };
            if (expected is not null && (!Ruc.TryParse(number, out var ruc) || ruc.Kind != expected))
            {
                wrong.Add($"{number} ({note})");
            }
        }

        Assert.True(wrong.Count == 0, "wrong kind for: " + string.Join(", ", wrong));
    }

    [Theory]
    [InlineData("1710034065")]
    [InlineData("171003406-5")]
    [InlineData("1710 034 065")]
    [InlineData("17.1003.4065")]
    [InlineData("  1710034065  ")]
    public void CedulaTryParse_TypedWithSeparators_AcceptedAndStoredCompact(string typed)
    {
        Assert.True(Cedula.TryParse(typed, out var cedula));
        Assert.Equal("1710034065", cedula.Value);
        Assert.Equal("1710034065", Cedula.Parse(typed).ToString());
    }

    [Theory]
    [InlineData("1790012344001")]
    [InlineData("1790012344-001")]
    [InlineData("17 9001 2344 001")]
    [InlineData("179.001.234.4001")]
    public void RucTryParse_TypedWithSeparators_AcceptedAndStoredCompact(string typed)
    {
        Assert.True(Ruc.TryParse(typed, out var ruc));
        Assert.Equal("1790012344001", ruc.Value);
    }

    [Theory]
    [InlineData("1710034065001", RucKind.NaturalPerson)]
    [InlineData("0926687856002", RucKind.NaturalPerson)]
    [InlineData("1790012344001", RucKind.PrivateCompany)]
    [InlineData("1760001550001", RucKind.PublicEntity)]
    public void RucTryParse_ByThirdDigitAndCheckRule_ReportsKind(string number, RucKind kind)
    {
        Assert.True(Ruc.TryParse(number, out var ruc), number);
        Assert.Equal(kind, ruc.Kind);
    }

    public static TheoryData<string?> Garbage() => new()
    {
        null,
        "",
        "   ",
        "abcdefghij",
        "17100340X5",
        "17100340651",
        "171003406",
        "1710034065001x",
        "١٧١٠٠٣٤٠٦٥",
        "--..--",
        "1710034065\0",
        new string('1', 1000),
        string.Concat(Enumerable.Repeat("1710034065 ", 100)),
        "0000000000",
        "1710034065000",
        "1790012344000",
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void TryParse_Garbage_RejectedWithoutException(string? input)
    {
        Assert.False(Cedula.TryParse(input, out var cedula));
        Assert.Equal(default, cedula);
        Assert.False(Ruc.TryParse(input, out _));
        Assert.Throws<FormatException>(() => Cedula.Parse(input ?? ""));
        Assert.Throws<FormatException>(() => Ruc.Parse(input ?? ""));
    }
}
