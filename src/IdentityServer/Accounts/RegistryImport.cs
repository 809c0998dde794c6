using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Accounts;

/// <summary>What an import did: whether it wrote anything, and the lines to show the operator.</summary>
public sealed record ImportReport(bool Succeeded, IReadOnlyList<string> Lines);

/// <summary>How one kind of registry file is read and described; the rest of an import is <see cref="RegistryImport"/>.</summary>
public sealed record RegistryFormat(
    string Header,
    Func<string, int, List<string>, IessUser?> ParseRow,
    Func<int, IessUser, string> DuplicateInFile,
    Func<IessUser, string> AlreadyHasAccount,
    Func<int, string> Imported);

/// <summary>
/// The part every registry import shares: the header, line numbers, rows repeated in the file or already in the
/// database, and an all-or-nothing bulk insert (<see cref="RegistryBulkInsert"/>) inside one transaction. One bad row and nothing is written.
/// </summary>
public static class RegistryImport
{
    private const int LookupBatchSize = 5000;

    public static async Task<ImportReport> RunAsync(IessDbContext db, string path, RegistryFormat format, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new ImportReport(false, [$"No existe el archivo / file not found: {path}"]);
        }

        var errors = new List<string>();
        var rows = new List<IessUser>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!string.Equals(line.Trim().TrimStart('\uFEFF'), format.Header, StringComparison.OrdinalIgnoreCase))
                {
                    return new ImportReport(false, [$"línea 1: la cabecera debe ser / the header must be: {format.Header}"]);
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var row = format.ParseRow(line, lineNumber, errors);
            if (row is not null && !seen.Add(row.UserName!))
            {
                errors.Add(format.DuplicateInFile(lineNumber, row));
            }
            else if (row is not null)
            {
                rows.Add(row);
            }
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in rows.Select(r => r.UserName!).Chunk(LookupBatchSize))
        {
            existing.UnionWith(await db.Users.AsNoTracking().Where(u => chunk.Contains(u.UserName!)).Select(u => u.UserName!).ToListAsync(cancellationToken));
        }

        errors.AddRange(rows.Where(r => existing.Contains(r.UserName!)).Select(format.AlreadyHasAccount));
        if (errors.Count > 0)
        {
            return new ImportReport(false, [.. errors, $"Nada fue importado ({errors.Count} errores). / Nothing was imported ({errors.Count} errors)."]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RegistryBulkInsert.WriteAsync(db, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportReport(true, [format.Imported(rows.Count)]);
    }
}
