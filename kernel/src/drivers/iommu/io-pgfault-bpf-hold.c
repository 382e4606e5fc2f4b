// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bpf: a test-only hold point, built with CONFIG_IOMMUFD_TEST only
 * (included by io-pgfault-bpf.c).
 *
 * Real IOMMU drivers report faults while domains change: VT-d drains a
 * PASID's page requests when that PASID's domain goes, not the requests of
 * other PASIDs.  A test stops one routed report between its routing
 * decision and its handler call, where it holds the RID's attach handle,
 * and changes the RID's domain, removes the device or closes its fault
 * queue in that window.  Or it stops the reap work of an ejected policy
 * after it took the policy's link, so that the owner's close of the link
 * returns with the policy still listed.  debugfs iopf/hold (root only)
 * takes:
 *
 *   "arm NAME"	hold the next routed last request of device NAME
 *   "arm-reap"	hold the reap work once it holds a dead policy's link
 *   "wait"	block until one is held; -ETIMEDOUT after 10 s
 *   "release"	let it go on
 *
 * A held report or reap goes on by itself after 30 s, so that a test that
 * dies cannot stop them for good.
 */

#include <linux/completion.h>
#include <linux/uaccess.h>

static DEFINE_SPINLOCK(iopf_bpf_hold_lock);
static char iopf_bpf_hold_dev[IOPF_DEV_NAME_LEN];	/* "" when not armed */
static bool iopf_bpf_hold_reap;
static DECLARE_COMPLETION(iopf_bpf_held);
static DECLARE_COMPLETION(iopf_bpf_hold_release);

static void iopf_bpf_hold_here(const char *what)
{
	complete(&iopf_bpf_held);
	if (!wait_for_completion_timeout(&iopf_bpf_hold_release, 30 * HZ))
		pr_info("hold: %s not released in 30 s, going on\n", what);
}

/* Called with the routed report's SRCU read section held; may sleep */
static void iopf_bpf_test_hold(struct device *dev)
{
	bool hold;

	spin_lock(&iopf_bpf_hold_lock);
	hold = iopf_bpf_hold_dev[0] &&
	       !strncmp(iopf_bpf_hold_dev, dev_name(dev),
			sizeof(iopf_bpf_hold_dev));
	if (hold)
		iopf_bpf_hold_dev[0] = '\0';
	spin_unlock(&iopf_bpf_hold_lock);
	if (hold)
		iopf_bpf_hold_here(dev_name(dev));
}

/* Called by the reap work holding a dead policy's link reference */
static void iopf_bpf_test_hold_reap(void)
{
	bool hold;

	spin_lock(&iopf_bpf_hold_lock);
	hold = iopf_bpf_hold_reap;
	iopf_bpf_hold_reap = false;
	spin_unlock(&iopf_bpf_hold_lock);
	if (hold)
		iopf_bpf_hold_here("the reap work");
}

/* A new hold: forget the last one's completions */
static void iopf_bpf_hold_rearm(void)
{
	reinit_completion(&iopf_bpf_held);
	reinit_completion(&iopf_bpf_hold_release);
}

static ssize_t iopf_bpf_hold_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	char buf[4 + IOPF_DEV_NAME_LEN], *cmd;
	long left;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	cmd = strim(buf);

	if (!strncmp(cmd, "arm ", 4)) {
		iopf_bpf_hold_rearm();
		spin_lock(&iopf_bpf_hold_lock);
		strscpy(iopf_bpf_hold_dev, skip_spaces(cmd + 4),
			sizeof(iopf_bpf_hold_dev));
		spin_unlock(&iopf_bpf_hold_lock);
	} else if (!strcmp(cmd, "arm-reap")) {
		iopf_bpf_hold_rearm();
		spin_lock(&iopf_bpf_hold_lock);
		iopf_bpf_hold_reap = true;
		spin_unlock(&iopf_bpf_hold_lock);
	} else if (!strcmp(cmd, "wait")) {
		left = wait_for_completion_killable_timeout(&iopf_bpf_held,
							    10 * HZ);
		if (left < 0)
			return left;
		if (!left)
			return -ETIMEDOUT;
	} else if (!strcmp(cmd, "release")) {
		complete(&iopf_bpf_hold_release);
	} else {
		return -EINVAL;
	}
	return len;
}

static const struct file_operations iopf_bpf_hold_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = iopf_bpf_hold_write,
	.llseek = noop_llseek,
};

static void iopf_bpf_hold_init(struct dentry *dir)
{
	debugfs_create_file("hold", 0200, dir, NULL, &iopf_bpf_hold_fops);
}
