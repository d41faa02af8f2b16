using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MissionConformance.Reference.Storage;

/// <summary>
/// Sets <c>synchronous=NORMAL</c> on every connection: in WAL mode a commit then survives the process
/// stopping (what the restart tests ask of the reference) without SQLite's default FULL, which syncs the
/// disk at every commit; only an operating-system crash may lose the last commits.
/// </summary>
internal sealed class SqliteSynchronousNormal : DbConnectionInterceptor
{
    public static readonly SqliteSynchronousNormal Instance = new();

    private const string Pragma = "PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
