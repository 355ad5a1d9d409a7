/* IndexedDB on the phone: the send queue (one record per saved survey, keyed by its
 * submission_id) and a key-value store for the cached user, villages and bins. */

const DB_NAME = 'fieldsvc-m';

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('queue', { keyPath: 'id' });
        req.result.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function idb(store, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const kvGet = (key) => idb('kv', 'readonly', (s) => s.get(key));
export const kvSet = (key, value) => idb('kv', 'readwrite', (s) => s.put(value, key));

/** The queue's storage, in the shape send_queue.js expects. */
export const queueStore = {
  all: () => idb('queue', 'readonly', (s) => s.getAll()),
  get: (id) => idb('queue', 'readonly', (s) => s.get(id)),
  put: (item) => idb('queue', 'readwrite', (s) => s.put(item)),
  delete: (id) => idb('queue', 'readwrite', (s) => s.delete(id)),
};
