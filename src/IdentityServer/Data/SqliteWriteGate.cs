using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Iess.Identity.Data;

/// <summary>
/// Lets this process's writers to one SQLite file take turns in arrival order. SQLite has a single write lock and
/// its busy handler is unfair: under concurrent token requests a writer that keeps losing the race sleeps 1, 2, 5 …
/// 100 ms between tries, which showed as sign-in p99s of a second while the median was 200 ms. Here a write
/// (<c>SaveChanges</c> outside a transaction, a whole transaction, or a single writing command such as
/// <c>ExecuteDelete</c> or an upsert) first waits on a per-file FIFO semaphore.
/// </summary>
/// <remarks>
/// The gate only orders writers; SQLite's own lock still guarantees correctness. So it never blocks for long: a
/// writer that waits <see cref="MaximumWait"/> goes ahead without it (SQLite's busy timeout then applies, as before
/// the gate), and the turn is given back when the connection closes even if no end event arrived. Nested acquires
/// on one connection (EF's own transaction inside <c>SaveChanges</c>) count, and only the outermost releases.
/// </remarks>
internal sealed class SqliteWriteGate : DbConnectionInterceptor, ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public static readonly SqliteWriteGate Instance = new();

    public static readonly TimeSpan MaximumWait = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, FileGate> Gates = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<DbConnection, Turn> Turns = new();

    private SqliteWriteGate()
    {
    }

    /// <summary>How many turns are held on this connection (for tests).</summary>
    internal static int Depth(DbConnection connection) => Turns.TryGetValue(connection, out var turn) ? turn.Depth : 0;

    /// <summary>How many writers wait for the file's gate (for tests).</summary>
    internal static int Waiting(string dataSource) => Gates.TryGetValue(Path.GetFullPath(dataSource), out var gate) ? Volatile.Read(ref gate.Waiting) : 0;

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        AcquireUnlessInTransactionAsync(eventData, result, cancellationToken);

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (OutsideTransaction(eventData) is { } connection)
        {
            Acquire(connection);
        }

        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ReleaseAfterSave(eventData);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ReleaseAfterSave(eventData);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => ReleaseAfterSave(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseAfterSave(eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => ReleaseAfterSave(eventData);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseAfterSave(eventData);
        return Task.CompletedTask;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Acquire(connection);
        return result;
    }

    // After a commit or rollback the transaction no longer knows its connection; the context still does.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed start never took SQLite's lock; a failed commit or rollback ends the transaction either way.
        Release(eventData.Context?.Database.GetDbConnection());
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // A writing command outside any transaction (ExecuteDelete/ExecuteUpdate, raw upserts) takes a turn for itself;
    // inside SaveChanges or a transaction the turn is already held and only counted. A reader's implicit transaction
    // ends when the reader is disposed.
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Acquire(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Release(command.Connection);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(command.Connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (Writes(command))
        {
            Acquire(command.Connection!);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Writes(command))
        {
            await AcquireAsync(command.Connection!, cancellationToken);
        }

        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (Writes(command))
        {
            Release(command.Connection);
        }

        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ReleaseAfterCommand(command, eventData);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ReleaseAfterCommand(command, eventData);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }

    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        ReleaseAll(connection);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        ReleaseAll(connection);
        return ValueTask.FromResult(result);
    }

    /// <summary>A command that ended without a reader to dispose gives back the turn its start took.</summary>
    private static void ReleaseAfterCommand(DbCommand command, CommandEndEventData eventData)
    {
        if (eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery || Writes(command))
        {
            Release(command.Connection);
        }
    }

    /// <summary>A command that returns rows but writes (an upsert with RETURNING, EF's INSERT … RETURNING).</summary>
    private static bool Writes(DbCommand command)
    {
        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    private static async ValueTask<InterceptionResult<int>> AcquireUnlessInTransactionAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        if (OutsideTransaction(eventData) is { } connection)
        {
            await AcquireAsync(connection, cancellationToken);
        }

        return result;
    }

    private static void ReleaseAfterSave(DbContextEventData eventData) => Release(OutsideTransaction(eventData));

    /// <summary>The connection of a save that is not part of a caller's transaction (that one holds the turn already).</summary>
    private static DbConnection? OutsideTransaction(DbContextEventData eventData) =>
        eventData.Context is { } context && context.Database.CurrentTransaction is null ? context.Database.GetDbConnection() : null;

    private static async Task AcquireAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Enter(connection) is { } turn)
        {
            Interlocked.Increment(ref turn.File.Waiting);
            try
            {
                turn.Holds = await turn.File.Lock.WaitAsync(MaximumWait, cancellationToken);
            }
            catch
            {
                turn.Depth = 0;
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref turn.File.Waiting);
            }
        }
    }

    private static void Acquire(DbConnection connection)
    {
        if (Enter(connection) is { } turn)
        {
            Interlocked.Increment(ref turn.File.Waiting);
            try
            {
                turn.Holds = turn.File.Lock.Wait(MaximumWait);
            }
            finally
            {
                Interlocked.Decrement(ref turn.File.Waiting);
            }
        }
    }

    /// <summary>Counts one more hold on the connection; returns its turn when this is the outermost hold, which waits.</summary>
    private static Turn? Enter(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite || string.IsNullOrEmpty(sqlite.DataSource) || sqlite.DataSource == ":memory:")
        {
            return null;
        }

        // The file's gate is looked up once per connection object (pooled contexts keep theirs), not on every write.
        var turn = Turns.GetValue(connection, static c => new Turn(Gates.GetOrAdd(Path.GetFullPath(((SqliteConnection)c).DataSource), _ => new FileGate())));
        return turn.Depth++ == 0 ? turn : null;
    }

    private static void Release(DbConnection? connection)
    {
        if (connection is not null && Turns.TryGetValue(connection, out var turn) && turn.Depth > 0 && --turn.Depth == 0)
        {
            turn.GiveBack();
        }
    }

    private static void ReleaseAll(DbConnection connection)
    {
        if (Turns.TryGetValue(connection, out var turn) && turn.Depth > 0)
        {
            turn.Depth = 0;
            turn.GiveBack();
        }
    }

    /// <summary>One connection's hold on its file's gate. A connection is used by one request at a time.</summary>
    private sealed class Turn(FileGate file)
    {
        public FileGate File { get; } = file;

        public int Depth { get; set; }

        /// <summary>True once this turn holds the file's gate (false when the wait gave up after <see cref="MaximumWait"/>).</summary>
        public bool Holds { get; set; }

        public void GiveBack()
        {
            if (Holds)
            {
                Holds = false;
                File.Lock.Release();
            }
        }
    }

    /// <summary>One database file's turn-taking: async waiters of a <see cref="SemaphoreSlim"/> are served in order.</summary>
    private sealed class FileGate
    {
        public readonly SemaphoreSlim Lock = new(1, 1);

        public int Waiting;
    }
}
