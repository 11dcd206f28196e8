const total = settings.start + 1;
module.exports = { total };
