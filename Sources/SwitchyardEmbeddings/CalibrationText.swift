/// Texts the int8 encoder is calibrated on at load time (see ``Int8Weights``): varied in length, topic, register
/// and script, and distinct from the test fixture, so that the activation peaks they show are typical.
enum CalibrationText {
    static let texts: [String] = [
        "How do I reset my password if I no longer have access to the email on my account?",
        "What is the capital of Australia?",
        "Write a Python function that returns the n-th Fibonacci number using memoisation.",
        "The quarterly report shows revenue up 12% year over year, driven by subscriptions in Europe and Asia.",
        "Can you recommend a good vegetarian lasagna recipe for eight people?",
        "Why does ice float on water while most solids sink in their own liquid?",
        "Error: connection refused (ECONNREFUSED) at 127.0.0.1:5432 when starting the server",
        "Translate 'where is the train station' into French, German and Japanese.",
        "Il fait beau aujourd'hui, allons nous promener au bord du lac.",
        "東京から大阪まで新幹線でどのくらいかかりますか？",
        "Explain the difference between a mutex and a semaphore, with an example of each.",
        "Is it safe to take ibuprofen and paracetamol together?",
        "Summarise the plot of Pride and Prejudice in three sentences.",
        "lol that movie was sooo bad 😂 never again",
        "SELECT name, COUNT(*) FROM orders GROUP BY name HAVING COUNT(*) > 10 ORDER BY 2 DESC;",
        "What are the tax implications of selling shares I have held for less than one year?",
        "The mitochondria generate most of the chemical energy needed to power the cell's biochemical reactions.",
        "My flight was cancelled — am I entitled to compensation under EU regulation 261/2004?",
        "Which is heavier, a kilogram of feathers or a kilogram of steel?",
        "Please draft a polite email declining the meeting invitation for Thursday at 3 pm.",
        "How many moons does Jupiter have, and which of them might harbour liquid water beneath the ice?",
        "¿Cuál es la mejor manera de aprender a tocar la guitarra sin profesor?",
        """
        In distributed systems, consensus algorithms such as Raft and Paxos let a cluster of machines agree on a \
        sequence of values even when some of them fail or messages are delayed. Raft separates leader election, \
        log replication and safety, which makes it easier to understand and implement than Paxos, and it is used \
        by etcd, Consul and many databases to keep replicas consistent across data centres.
        """,
        "k8s pod stuck in CrashLoopBackOff after upgrading the base image to alpine 3.19",
    ]
}
