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
/// <para>On a file in write-ahead-log mode the gate also runs the group commit (<see cref="SqliteGroupCommit"/>): a
/// write that starts outside a transaction is switched to <c>synchronous=NORMAL</c>, switched back to FULL when its turn
/// ends, and the writer then waits, after giving the turn back, until the WAL has been synced since its commit. Every
/// end of a turn waits, failed ones too (a commit may have happened before the failure).</para>
/// <para>The gate only orders writers; SQLite's own lock still guarantees correctness. So it never blocks for long: a
/// writer that waits <see cref="MaximumWait"/> goes ahead without it (SQLite's busy timeout then applies, as before
/// the gate), and the turn is given back when the connection closes even if no end event arrived. Nested acquires
/// on one connection (EF's own transaction inside <c>SaveChanges</c>) count, and only the outermost releases.</para>
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

    /// <summary>The file's group commit, if it has one (for tests).</summary>
    internal static SqliteGroupCommit? GroupCommit(string dataSource) => Gates.TryGetValue(Path.GetFullPath(dataSource), out var gate) ? gate.Committer : null;

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

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await ReleaseAfterSaveAsync(eventData);
        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ReleaseAfterSave(eventData);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => ReleaseAfterSave(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAfterSaveAsync(eventData);

    public void SaveChangesCanceled(DbContextEventData eventData) => ReleaseAfterSave(eventData);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAfterSaveAsync(eventData);

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(connection, cancellationToken);
        Relax(connection);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Acquire(connection);
        Relax(connection);
        return result;
    }

    // After a commit or rollback the transaction no longer knows its connection; the context still does.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context?.Database.GetDbConnection());

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed start never took SQLite's lock; a failed commit or rollback ends the transaction either way.
        Release(eventData.Context?.Database.GetDbConnection());
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAsync(eventData.Context?.Database.GetDbConnection());

    // A writing command outside any transaction (ExecuteDelete/ExecuteUpdate, raw upserts) takes a turn for itself;
    // inside SaveChanges or a transaction the turn is already held and only counted. A reader's implicit transaction
    // ends when the reader is disposed.
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Acquire(command.Connection!);
        Relax(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(command.Connection!, cancellationToken);
        Relax(command.Connection!);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Release(command.Connection);
        return result;
    }

    public async ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await ReleaseAsync(command.Connection);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (Writes(command))
        {
            Acquire(command.Connection!);
            Relax(command.Connection!);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Writes(command))
        {
            await AcquireAsync(command.Connection!, cancellationToken);
            Relax(command.Connection!);
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

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAfterCommandAsync(command, eventData);

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ReleaseAfterCommand(command, eventData);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default) =>
        ReleaseAfterCommandAsync(command, eventData);

    // EF closes a connection it opened for a SaveChanges before SavedChanges is raised: this is where most turns end.
    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        EndTurn(connection, all: true)?.WaitDurable();
        return result;
    }

    public override async ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (EndTurn(connection, all: true) is { } committer)
        {
            await committer.WaitDurableAsync();
        }

        return result;
    }

    /// <summary>A command that ended without a reader to dispose gives back the turn its start took.</summary>
    private static void ReleaseAfterCommand(DbCommand command, CommandEndEventData eventData)
    {
        if (EndsTurn(command, eventData))
        {
            Release(command.Connection);
        }
    }

    private static Task ReleaseAfterCommandAsync(DbCommand command, CommandEndEventData eventData) =>
        EndsTurn(command, eventData) ? ReleaseAsync(command.Connection) : Task.CompletedTask;

    private static bool EndsTurn(DbCommand command, CommandEndEventData eventData) =>
        eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery || Writes(command);

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

    private static Task ReleaseAfterSaveAsync(DbContextEventData eventData) => ReleaseAsync(OutsideTransaction(eventData));

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

    /// <summary>
    /// Once the connection holds its turn and no transaction is open yet, switches this write to the group commit when
    /// its file has one (or can: WAL mode). Rollback-journal files and writes inside a transaction someone else opened
    /// keep FULL, and SQLite syncs them itself.
    /// </summary>
    private static void Relax(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite && Turns.TryGetValue(connection, out var turn) && turn is { Depth: > 0, Committer: null }
            && SqliteGroupCommit.InAutocommit(sqlite) && turn.File.CommitterFor(sqlite) is { Broken: false } committer)
        {
            SqliteGroupCommit.SetSynchronous(sqlite, full: false);
            turn.Committer = committer;
        }
    }

    private static void Release(DbConnection? connection) => EndTurn(connection, all: false)?.WaitDurable();

    private static Task ReleaseAsync(DbConnection? connection) =>
        EndTurn(connection, all: false) is { } committer ? committer.WaitDurableAsync() : Task.CompletedTask;

    /// <summary>
    /// Counts one hold less (or all of them); when none is left, puts the connection back to FULL and gives the turn
    /// back. Returns the group commit the caller must then wait for, if the turn's write used it.
    /// </summary>
    private static SqliteGroupCommit? EndTurn(DbConnection? connection, bool all)
    {
        if (connection is null || !Turns.TryGetValue(connection, out var turn) || turn.Depth == 0)
        {
            return null;
        }

        turn.Depth = all ? 0 : turn.Depth - 1;
        if (turn.Depth > 0)
        {
            return null;
        }

        var committer = turn.Committer;
        turn.Committer = null;
        try
        {
            if (committer is not null && connection.State == System.Data.ConnectionState.Open)
            {
                SqliteGroupCommit.SetSynchronous((SqliteConnection)connection, full: true);
            }
        }
        finally
        {
            turn.GiveBack();
        }

        return committer;
    }

    /// <summary>One connection's hold on its file's gate. A connection is used by one request at a time.</summary>
    private sealed class Turn(FileGate file)
    {
        public FileGate File { get; } = file;

        public int Depth { get; set; }

        /// <summary>True once this turn holds the file's gate (false when the wait gave up after <see cref="MaximumWait"/>).</summary>
        public bool Holds { get; set; }

        /// <summary>The group commit this turn's write uses (the connection runs <c>synchronous=NORMAL</c> meanwhile).</summary>
        public SqliteGroupCommit? Committer { get; set; }

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

        private readonly object _opening = new();
        private SqliteGroupCommit? _committer;
        private bool _unavailable;

        public SqliteGroupCommit? Committer => Volatile.Read(ref _committer);

        /// <summary>
        /// The file's group commit, made the first time a write finds the file in WAL mode. A file not (yet) in WAL
        /// mode is asked again at its next write (the server switches to WAL at start-up, after some writes).
        /// </summary>
        public SqliteGroupCommit? CommitterFor(SqliteConnection connection)
        {
            if (Volatile.Read(ref _committer) is { } committer)
            {
                return committer;
            }

            if (_unavailable || !SqliteGroupCommit.UsesWal(connection))
            {
                return null;
            }

            lock (_opening)
            {
                if (_committer is null && !_unavailable)
                {
                    _committer = SqliteGroupCommit.Open(connection);
                    _unavailable = _committer is null;
                }

                return _committer;
            }
        }
    }
}
