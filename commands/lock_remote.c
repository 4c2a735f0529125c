/*
 * The remote lease lock on the command line (see lock_remote.h).
 */
#include "commands/lock_remote.h"
#include "commands/xfer.h"
#include "core/remote_lock.h"

#include <stdlib.h>
#include <string.h>

int cli_parse_duration(awm_cli *cli, const char *opt, const char *arg, int64_t *out)
{
	char *end;
	long long v = strtoll(arg, &end, 10);
	int64_t unit = 1;

	if (end == arg || v <= 0)
		goto bad;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60;
	else if (!strcmp(end, "h"))
		unit = 3600;
	else if (!strcmp(end, "d"))
		unit = 86400;
	else
		goto bad;
	if (v > INT64_MAX / unit / 2)
		goto bad;
	*out = (int64_t)v * unit;
	return 0;
bad:
	return cli_usage_error(cli, "%s needs a duration such as 90s, 30m, 2h or 1d, not '%s'",
			       opt, arg);
}

int cli_lock_remote(awm_cli *cli, const char *remote, int64_t ttl, int force,
		    const char *message)
{
	awm_lock_record rec;
	awm_remote *r;
	char until[64];
	int rc;

	if ((rc = cli_open_remote(cli, &r, remote)) < 0)
		return cli_fail(rc);
	rc = awm_remote_lock_acquire(&rec, r, ttl, force, message);
	if (rc == 0) {
		cli_format_utc(until, sizeof(until), rec.expires);
		printf("Locked remote '%s' until %s; release it with 'awm unlock --remote %s'\n",
		       r->name, until, r->name);
	}
	awm_lock_record_release(&rec);
	awm_remote_free(r);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}

int cli_unlock_remote(awm_cli *cli, const char *remote, int force)
{
	awm_lock_record prev;
	awm_remote *r;
	int rc;

	if ((rc = cli_open_remote(cli, &r, remote)) < 0)
		return cli_fail(rc);
	rc = awm_remote_lock_release(&prev, r, force);
	if (rc == 0 && prev.file)
		printf("Unlocked remote '%s'%s%s%s\n", r->name, prev.mine ? "" : " (it was held by ",
		       prev.mine ? "" : prev.owner, prev.mine ? "" : ")");
	else if (rc == 0)
		printf("Remote '%s' was not locked any more (the lock expired or was taken over)\n",
		       r->name);
	awm_lock_record_release(&prev);
	awm_remote_free(r);
	return rc < 0 ? cli_fail(rc) : EXIT_OK;
}
