// First start only (the image runs /docker-entrypoint-initdb.d/ on an empty volume): the user the
// services connect as, allowed to read and write each service's own database and nothing else.
const prefix = process.env.MONGO_DB_PREFIX || "aftersales";
const services = ["order_svc", "timer_svc", "sms_svc", "metrics_svc", "arbitration_svc"];
db.getSiblingDB("admin").createUser({
  user: process.env.MONGO_APP_USER,
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: services.map((service) => ({ role: "readWrite", db: `${prefix}_${service}` })),
});
print(`created ${process.env.MONGO_APP_USER} with readWrite on ${prefix}_{${services}}`);
