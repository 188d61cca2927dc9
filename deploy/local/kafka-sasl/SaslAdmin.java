// Applies the service principals' topics and ACLs (acl_spec.py output) as the broker's super user,
// through the public Kafka Admin API of the kafka-clients jar the local broker already ships.
// Run as a single-file source program (JDK 11+), no build step:
//   java -cp "$KAFKA_HOME/libs/*" SaslAdmin.java <admin.properties> <spec.tsv> <wait-seconds>
// Idempotent: existing topics are kept, and creating an existing ACL binding is a no-op in Kafka.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class SaslAdmin {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SaslAdmin <admin.properties> <spec.tsv> <wait-seconds>");
            System.exit(2);
        }
        Properties config = new Properties();
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            config.load(in);
        }
        List<NewTopic> topics = new ArrayList<>();
        List<AclBinding> acls = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            if (f[0].equals("topic")) {
                topics.add(new NewTopic(f[1], 3, (short) 1));
            } else if (f[0].equals("acl")) {
                ResourcePattern pattern = new ResourcePattern(ResourceType.valueOf(f[2]), f[4], PatternType.valueOf(f[3]));
                // Host "*": the principal is the boundary; the network is not trusted to be.
                AccessControlEntry entry = new AccessControlEntry(f[1], "*", AclOperation.valueOf(f[5]), AclPermissionType.ALLOW);
                acls.add(new AclBinding(pattern, entry));
            } else {
                throw new IllegalArgumentException("unknown spec line: " + line);
            }
        }
        try (Admin admin = Admin.create(config)) {
            waitForCluster(admin, Integer.parseInt(args[2]));
            createTopics(admin, topics);
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
            waitForAcls(admin, acls, Integer.parseInt(args[2]));
            System.out.println("applied " + topics.size() + " topics and " + acls.size() + " ACL bindings");
        }
    }

    // The broker accepts connections before it has joined its own quorum: retry a real request.
    private static void waitForCluster(Admin admin, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(500);
            }
        }
    }

    // Created ACLs reach the broker's authorizer through the metadata log a moment after the controller
    // commits them; describeAcls answers from that view, so return only once it shows every binding.
    private static void waitForAcls(Admin admin, List<AclBinding> acls, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).containsAll(acls)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("ACLs not visible after " + seconds + "s");
            Thread.sleep(200);
        }
    }

    private static void createTopics(Admin admin, List<NewTopic> topics) throws Exception {
        for (var entry : admin.createTopics(topics).values().entrySet()) {
            try {
                entry.getValue().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
        }
    }
}
